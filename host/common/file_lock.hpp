// An exclusive advisory lock (flock) on a lock file, held for the object's lifetime: processes
// that read, change and rewrite one shared file (the wisdom file) take turns, so none loses
// what another wrote between its read and its rename.
#pragma once

#include <filesystem>

namespace hashflop {

class FileLock {
 public:
  /// Creates `path` if missing and blocks until the lock is held. Throws Error when the lock
  /// file cannot be created or locked (a read-only directory).
  explicit FileLock(const std::filesystem::path& path);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace hashflop
