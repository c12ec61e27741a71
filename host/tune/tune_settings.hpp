// How a command wants its kernels chosen: from the wisdom file, by measuring, or neither.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace hashflop::tune {

struct TuneSettings {
  bool use_wisdom = true;    ///< false (--no-wisdom): the file is neither read nor written
  bool calibrate = true;     ///< false: never measure; wisdom, else the CPUID default
  bool recalibrate = false;  ///< true (hashflop tune): measure even when wisdom has an answer
  std::filesystem::path wisdom_path;            ///< empty: default_wisdom_path()
  std::function<void(const std::string&)> log;  ///< progress and warning lines; may be empty
  /// Called (after `log`) when a choice could not be saved in the wisdom file; may be empty.
  std::function<void(const std::string&)> unsaved;

  void say(const std::string& line) const {
    if (log) log(line);
  }
};

}  // namespace hashflop::tune
