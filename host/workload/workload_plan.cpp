#include <fmt/format.h>

#include "common/error.hpp"
#include "workload/workload.hpp"

namespace hashflop::workload {

WorkloadPlan WorkloadPlan::parse(std::string_view list) {
  WorkloadPlan plan;
  plan.sha256d = plan.gemm = false;
  size_t from = 0;
  while (from <= list.size()) {
    const size_t comma = std::min(list.find(',', from), list.size());
    const auto name = list.substr(from, comma - from);
    if (name == "sha256d") {
      plan.sha256d = true;
    } else if (name == "gemm") {
      plan.gemm = true;
    } else {
      throw UsageError(fmt::format("unknown workload '{}' (known: sha256d, gemm)", name));
    }
    from = comma + 1;
  }
  return plan;
}

}  // namespace hashflop::workload
