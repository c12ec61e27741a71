// A scratch folder per test, named for the test (ctest runs each test in its own process, in
// parallel): made empty when the test starts, removed when the fixture ends.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace hashflop::test {

/// TMPDIR/<prefix>-<test name>, empty. TMPDIR is the test process's own (isolated_tmp.cpp).
inline std::filesystem::path fresh_test_dir(std::string_view prefix) {
  const auto dir =
      std::filesystem::temp_directory_path() /
      (std::string(prefix) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace hashflop::test
