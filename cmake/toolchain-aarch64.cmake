# Cross-compiling for aarch64 Linux from a Debian x86-64 host: Debian's g++-aarch64-linux-gnu
# against the :arm64 multiarch packages (scripts/test-arm64.sh installs both). Multiarch keeps
# the arm64 libraries and their CMake packages in /usr/lib/aarch64-linux-gnu, which CMake
# searches through CMAKE_LIBRARY_ARCHITECTURE, so no sysroot is needed.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# pkg-config for the target: it reads the arm64 .pc files (OpenBLAS).
set(PKG_CONFIG_EXECUTABLE aarch64-linux-gnu-pkg-config)
# Test programs, gtest discovery and the CLI tests' `hashflop` run under user-mode QEMU. -cpu max
# turns on every extension QEMU implements (SHA-2, SHA-512, SVE, SVE2, BF16, I8MM), so every
# kernel runs. -L / makes the program load multiarch's /lib/ld-linux-aarch64.so.1 and libc6:arm64
# together. Not -L /usr/aarch64-linux-gnu: that takes the cross toolchain's ld.so but still finds
# libc6:arm64's libc.so.6, and with the two glibc builds mixed every pthread_create spins forever.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -cpu max -L /)
