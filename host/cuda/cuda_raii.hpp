// Owning handles for CUDA resources: device memory, pinned host memory, streams and events.
// Move-only; creation throws CudaError; destruction never throws (a failed free during unwinding
// must not terminate the program, and the context is usually being torn down anyway).
#pragma once

#include <cstddef>
#include <utility>

#include <cuda_runtime_api.h>

#include "cuda/cuda_check.hpp"

namespace hashflop::cuda {

/// Releases through `Free` and resets to `Handle{}`; `Handle` is a pointer or CUDA handle type.
template <class Handle, cudaError_t (*Free)(Handle)>
class UniqueHandle {
 public:
  UniqueHandle() = default;
  explicit UniqueHandle(Handle h) : handle_(h) {}
  UniqueHandle(UniqueHandle&& other) noexcept : handle_(std::exchange(other.handle_, Handle{})) {}
  UniqueHandle& operator=(UniqueHandle&& other) noexcept {
    if (this != &other) {
      reset();
      handle_ = std::exchange(other.handle_, Handle{});
    }
    return *this;
  }
  UniqueHandle(const UniqueHandle&) = delete;
  UniqueHandle& operator=(const UniqueHandle&) = delete;
  ~UniqueHandle() { reset(); }

  Handle get() const { return handle_; }
  explicit operator bool() const { return handle_ != Handle{}; }
  void reset() {
    if (handle_ != Handle{}) (void)Free(handle_);
    handle_ = Handle{};
  }

 private:
  Handle handle_{};
};

/// `count` elements of T in device memory (cudaMalloc).
template <class T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(size_t count) : count_(count) {
    void* p = nullptr;
    HF_CUDA_CHECK(cudaMalloc(&p, count * sizeof(T)));
    memory_ = Memory(p);
  }
  T* get() const { return static_cast<T*>(memory_.get()); }
  size_t size() const { return count_; }

 private:
  using Memory = UniqueHandle<void*, cudaFree>;
  Memory memory_;
  size_t count_ = 0;
};

/// `count` elements of T in page-locked host memory (cudaMallocHost), so device-to-host copies
/// are truly asynchronous.
template <class T>
class PinnedBuffer {
 public:
  PinnedBuffer() = default;
  explicit PinnedBuffer(size_t count) : count_(count) {
    void* p = nullptr;
    HF_CUDA_CHECK(cudaMallocHost(&p, count * sizeof(T)));
    memory_ = Memory(p);
  }
  T* get() const { return static_cast<T*>(memory_.get()); }
  size_t size() const { return count_; }

 private:
  using Memory = UniqueHandle<void*, cudaFreeHost>;
  Memory memory_;
  size_t count_ = 0;
};

/// A non-blocking stream: it never synchronises implicitly with the legacy default stream.
class Stream {
 public:
  Stream() {
    cudaStream_t s = nullptr;
    HF_CUDA_CHECK(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
    stream_ = Handle(s);
  }
  cudaStream_t get() const { return stream_.get(); }
  void synchronize() const { HF_CUDA_CHECK(cudaStreamSynchronize(stream_.get())); }

 private:
  using Handle = UniqueHandle<cudaStream_t, cudaStreamDestroy>;
  Handle stream_;
};

class Event {
 public:
  /// cudaEventDefault times; cudaEventDisableTiming | cudaEventBlockingSync makes an event that
  /// only signals, and whose synchronize() sleeps instead of spinning a CPU core (which would
  /// add host power to every joule measured).
  explicit Event(unsigned flags = cudaEventDefault) {
    cudaEvent_t e = nullptr;
    HF_CUDA_CHECK(cudaEventCreateWithFlags(&e, flags));
    event_ = Handle(e);
  }
  cudaEvent_t get() const { return event_.get(); }
  void record(cudaStream_t stream) const { HF_CUDA_CHECK(cudaEventRecord(event_.get(), stream)); }
  void synchronize() const { HF_CUDA_CHECK(cudaEventSynchronize(event_.get())); }
  /// Milliseconds from `start` to this event; both must have completed.
  float milliseconds_since(const Event& start) const {
    float ms = 0;
    HF_CUDA_CHECK(cudaEventElapsedTime(&ms, start.get(), event_.get()));
    return ms;
  }

 private:
  using Handle = UniqueHandle<cudaEvent_t, cudaEventDestroy>;
  Handle event_;
};

/// Makes `device` current for this host thread for the guard's lifetime, then restores the
/// previous one: the current device is per-thread state that callers may rely on.
class DeviceScope {
 public:
  explicit DeviceScope(int device) {
    HF_CUDA_CHECK(cudaGetDevice(&previous_));
    if (previous_ != device) HF_CUDA_CHECK(cudaSetDevice(device));
  }
  DeviceScope(const DeviceScope&) = delete;
  DeviceScope& operator=(const DeviceScope&) = delete;
  ~DeviceScope() { (void)cudaSetDevice(previous_); }

 private:
  int previous_ = 0;
};

}  // namespace hashflop::cuda
