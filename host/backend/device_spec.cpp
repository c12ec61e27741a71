#include <fmt/format.h>

#include "backend/backend.hpp"
#include "common/error.hpp"
#include "common/hex.hpp"

namespace hashflop {

DeviceSpec DeviceSpec::parse(std::string_view text) {
  if (text == "auto") return {Kind::automatic, 0};
  if (text == "cpu") return {Kind::cpu, 0};
  if (text == "cuda") return {Kind::cuda, 0};
  if (text == "cuda:local") {
    // Reaches here only outside an MPI launch: inside one the fleet resolves it per rank.
    throw UsageError(
        "--device cuda:local picks each MPI rank's GPU and needs a launcher (mpirun -np N "
        "hashflop run --device cuda:local); alone, use cuda:N or all");
  }
  if (text == "all") {
    throw UsageError("--device all is for `hashflop run` (a fleet of every GPU); here use cuda:N");
  }
  if (text.starts_with("cuda:") && text.size() > 5) {
    const uint64_t index = parse_unsigned(text.substr(5), "device");
    if (index > 1024) throw UsageError(fmt::format("device '{}': index out of range", text));
    return {Kind::cuda, static_cast<int>(index)};
  }
  throw UsageError(fmt::format(
      "unknown device '{}' (devices: auto, cpu, cuda:N; `run` also takes all and, under "
      "MPI, cuda:local)",
      text));
}

std::string DeviceInfo::property(std::string_view key) const {
  for (const auto& [k, v] : properties) {
    if (k == key) return v;
  }
  return {};
}

results::DeviceRecord Backend::describe() const {
  const DeviceInfo& d = info();
  results::DeviceRecord r;
  r.id = d.id;
  r.name = d.name;
  r.properties = d.properties;
  return r;
}

std::unique_ptr<Backend> open_backend(const DeviceSpec& spec) {
  switch (spec.kind) {
    case DeviceSpec::Kind::cpu:
      return make_cpu_backend();
    case DeviceSpec::Kind::cuda:
      return make_cuda_backend(spec.index);
    case DeviceSpec::Kind::automatic:
      return cuda_unavailable_reason() ? make_cpu_backend() : make_cuda_backend(0);
  }
  throw UsageError("unknown device kind");
}

}  // namespace hashflop
