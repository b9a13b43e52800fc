#include "label_names.hpp"

#include "geometry/labels.hpp"

namespace lobule {
namespace {

struct Named {
  const char* name;
  Label label;
};
constexpr Named kNames[] = {{"parenchyma", kParenchyma},    {"sinusoid", kSinusoid},
                            {"portal_vein", kPortalVein},   {"hepatic_artery", kHepaticArtery},
                            {"bile_duct", kBileDuct},       {"central_vein", kCentralVein},
                            {"portal_tract", kPortalTract}, {"septum", kSeptum}};

}  // namespace

const char* label_name(int label) {
  for (const auto& n : kNames)
    if (int(n.label) == label) return n.name;
  return "";
}

int label_by_name(const std::string& name) {
  for (const auto& n : kNames)
    if (name == n.name) return int(n.label);
  return -1;
}

std::string label_names_list() {
  std::string all;
  for (const auto& n : kNames) all += std::string(all.empty() ? "" : ", ") + n.name;
  return all;
}

}  // namespace lobule
