#include "cuda/cublas_loader.hpp"

#include <dlfcn.h>
#include <link.h>

#include <cstdlib>
#include <optional>
#include <vector>

#include <cublas_v2.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace hashflop::cuda {
namespace {

// The entry points hashflop calls (gemm/cuda_gemm_cublas.cpp, cuda/cublas_check.cpp). One more
// cuBLAS call there means one more line here and one forwarding definition below.
struct CublasApi {
  decltype(&cublasCreate_v2) create = nullptr;
  decltype(&cublasDestroy_v2) destroy = nullptr;
  decltype(&cublasSetStream_v2) set_stream = nullptr;
  decltype(&cublasGetVersion_v2) get_version = nullptr;
  decltype(&cublasGetStatusString) status_string = nullptr;
  decltype(&cublasSgemm_v2) sgemm = nullptr;
  // Spelled out: C++ also sees an inline overload of cublasGemmEx taking a cudaDataType.
  cublasStatus_t (*gemm_ex)(cublasHandle_t, cublasOperation_t, cublasOperation_t, int, int, int,
                            const void*, const void*, cudaDataType, int, const void*, cudaDataType,
                            int, const void*, void*, cudaDataType, int, cublasComputeType_t,
                            cublasGemmAlgo_t) = nullptr;
  decltype(&cublasSgemmStridedBatched) sgemm_strided_batched = nullptr;
  cublasStatus_t (*gemm_strided_batched_ex)(cublasHandle_t, cublasOperation_t, cublasOperation_t,
                                            int, int, int, const void*, const void*, cudaDataType,
                                            int, long long, const void*, cudaDataType, int,
                                            long long, const void*, void*, cudaDataType, int,
                                            long long, int, cublasComputeType_t,
                                            cublasGemmAlgo_t) = nullptr;
  std::string path;
  std::optional<std::string> unavailable;
};

template <typename Fn>
bool bind(void* lib, const char* name, Fn& fn, std::vector<std::string>& missing) {
  fn = reinterpret_cast<Fn>(dlsym(lib, name));
  if (fn == nullptr) missing.emplace_back(name);
  return fn != nullptr;
}

std::string loaded_path(void* lib, const std::string& fallback) {
  link_map* map = nullptr;
  if (dlinfo(lib, RTLD_DI_LINKMAP, &map) == 0 && map != nullptr && map->l_name != nullptr &&
      map->l_name[0] != '\0') {
    return map->l_name;
  }
  return fallback;
}

// The candidates in order; the first that opens is used, and its error is not the one reported.
std::vector<std::string> candidates(const std::string& soname) {
  if (const char* forced = std::getenv("HASHFLOP_CUBLAS_LIBRARY"); forced && *forced)
    return {forced};
  std::vector<std::string> files{soname};
#ifdef HASHFLOP_CUDA_LIBRARY_DIR
  // A toolkit outside the loader's path (a runfile install): where this binary was built.
  files.push_back(std::string(HASHFLOP_CUDA_LIBRARY_DIR) + "/" + soname);
#endif
  return files;
}

CublasApi load() {
  CublasApi api;
  // cuBLAS keeps its ABI within a major version, which is the one the headers name.
  const std::string soname = fmt::format("libcublas.so.{}", CUBLAS_VER_MAJOR);
  const auto files = candidates(soname);
  void* lib = nullptr;
  std::string first_error;
  for (const auto& file : files) {
    lib = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (lib != nullptr) {
      api.path = loaded_path(lib, file);
      break;
    }
    if (first_error.empty()) {
      const char* why = dlerror();
      first_error = why != nullptr ? why : "unknown error";
    }
  }
  if (lib == nullptr) {
    api.unavailable = fmt::format(
        "cuBLAS not loaded: {} (tried {}; put a {} on LD_LIBRARY_PATH, e.g. from the "
        "nvidia-cublas Python package, or name it in HASHFLOP_CUBLAS_LIBRARY)",
        first_error, fmt::join(files, ", "), soname);
    return api;
  }
  // Never closed: cuBLAS handles may live until exit, and unloading buys nothing.
  std::vector<std::string> missing;
  bind(lib, "cublasCreate_v2", api.create, missing);
  bind(lib, "cublasDestroy_v2", api.destroy, missing);
  bind(lib, "cublasSetStream_v2", api.set_stream, missing);
  bind(lib, "cublasGetVersion_v2", api.get_version, missing);
  bind(lib, "cublasGetStatusString", api.status_string, missing);
  bind(lib, "cublasSgemm_v2", api.sgemm, missing);
  bind(lib, "cublasGemmEx", api.gemm_ex, missing);
  bind(lib, "cublasSgemmStridedBatched", api.sgemm_strided_batched, missing);
  bind(lib, "cublasGemmStridedBatchedEx", api.gemm_strided_batched_ex, missing);
  if (!missing.empty()) {
    CublasApi none;  // a partial table would fail later, call by call
    none.unavailable =
        fmt::format("cuBLAS not loaded: {} lacks {}", api.path, fmt::join(missing, ", "));
    return none;
  }
  return api;
}

const CublasApi& api() {
  static const CublasApi loaded = load();
  return loaded;
}

}  // namespace

std::optional<std::string> cublas_unavailable_reason() {
  return api().unavailable;
}

std::string cublas_library_path() {
  return api().unavailable ? std::string() : api().path;
}

}  // namespace hashflop::cuda

// cuBLAS's own entry points, forwarding to the loaded library. Without it they return
// CUBLAS_STATUS_NOT_INITIALIZED, which HF_CUBLAS_CHECK turns into an error; callers ask
// cublas_unavailable_reason() first so that a missing cuBLAS is a reason, not a failure.
extern "C" {

cublasStatus_t CUBLASWINAPI cublasCreate_v2(cublasHandle_t* handle) {
  const auto& a = hashflop::cuda::api();
  return a.create != nullptr ? a.create(handle) : CUBLAS_STATUS_NOT_INITIALIZED;
}

cublasStatus_t CUBLASWINAPI cublasDestroy_v2(cublasHandle_t handle) {
  const auto& a = hashflop::cuda::api();
  return a.destroy != nullptr ? a.destroy(handle) : CUBLAS_STATUS_NOT_INITIALIZED;
}

cublasStatus_t CUBLASWINAPI cublasSetStream_v2(cublasHandle_t handle, cudaStream_t stream) {
  const auto& a = hashflop::cuda::api();
  return a.set_stream != nullptr ? a.set_stream(handle, stream) : CUBLAS_STATUS_NOT_INITIALIZED;
}

cublasStatus_t CUBLASWINAPI cublasGetVersion_v2(cublasHandle_t handle, int* version) {
  const auto& a = hashflop::cuda::api();
  return a.get_version != nullptr ? a.get_version(handle, version) : CUBLAS_STATUS_NOT_INITIALIZED;
}

const char* CUBLASWINAPI cublasGetStatusString(cublasStatus_t status) {
  const auto& a = hashflop::cuda::api();
  return a.status_string != nullptr ? a.status_string(status) : "cuBLAS not loaded";
}

cublasStatus_t CUBLASWINAPI cublasSgemm_v2(cublasHandle_t handle, cublasOperation_t transa,
                                           cublasOperation_t transb, int m, int n, int k,
                                           const float* alpha, const float* A, int lda,
                                           const float* B, int ldb, const float* beta, float* C,
                                           int ldc) {
  const auto& a = hashflop::cuda::api();
  return a.sgemm != nullptr
             ? a.sgemm(handle, transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc)
             : CUBLAS_STATUS_NOT_INITIALIZED;
}

cublasStatus_t CUBLASWINAPI cublasGemmEx(cublasHandle_t handle, cublasOperation_t transa,
                                         cublasOperation_t transb, int m, int n, int k,
                                         const void* alpha, const void* A, cudaDataType Atype,
                                         int lda, const void* B, cudaDataType Btype, int ldb,
                                         const void* beta, void* C, cudaDataType Ctype, int ldc,
                                         cublasComputeType_t computeType, cublasGemmAlgo_t algo) {
  const auto& a = hashflop::cuda::api();
  return a.gemm_ex != nullptr ? a.gemm_ex(handle, transa, transb, m, n, k, alpha, A, Atype, lda, B,
                                          Btype, ldb, beta, C, Ctype, ldc, computeType, algo)
                              : CUBLAS_STATUS_NOT_INITIALIZED;
}

cublasStatus_t CUBLASWINAPI cublasSgemmStridedBatched(
    cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k,
    const float* alpha, const float* A, int lda, long long int strideA, const float* B, int ldb,
    long long int strideB, const float* beta, float* C, int ldc, long long int strideC,
    int batchCount) {
  const auto& a = hashflop::cuda::api();
  return a.sgemm_strided_batched != nullptr
             ? a.sgemm_strided_batched(handle, transa, transb, m, n, k, alpha, A, lda, strideA, B,
                                       ldb, strideB, beta, C, ldc, strideC, batchCount)
             : CUBLAS_STATUS_NOT_INITIALIZED;
}

cublasStatus_t CUBLASWINAPI cublasGemmStridedBatchedEx(
    cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k,
    const void* alpha, const void* A, cudaDataType Atype, int lda, long long int strideA,
    const void* B, cudaDataType Btype, int ldb, long long int strideB, const void* beta, void* C,
    cudaDataType Ctype, int ldc, long long int strideC, int batchCount,
    cublasComputeType_t computeType, cublasGemmAlgo_t algo) {
  const auto& a = hashflop::cuda::api();
  return a.gemm_strided_batched_ex != nullptr
             ? a.gemm_strided_batched_ex(handle, transa, transb, m, n, k, alpha, A, Atype, lda,
                                         strideA, B, Btype, ldb, strideB, beta, C, Ctype, ldc,
                                         strideC, batchCount, computeType, algo)
             : CUBLAS_STATUS_NOT_INITIALIZED;
}

}  // extern "C"
