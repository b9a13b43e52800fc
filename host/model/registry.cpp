// The registered models: one line each.
#include <utility>

#include "model.hpp"

namespace lobule {

std::unique_ptr<Model> make_annihilation();
std::unique_ptr<Model> make_liver_fibrosis();

namespace {
using Factory = std::unique_ptr<Model> (*)();
const std::pair<const char*, Factory> kModels[] = {
    {"annihilation", make_annihilation},      // test model: A + B → ∅ and a local record
    {"liver_fibrosis", make_liver_fibrosis},  // MODEL.md: cells, cytokines, EVs and scar
};
}  // namespace

std::vector<std::string> model_names() {
  std::vector<std::string> names;
  for (const auto& m : kModels) names.emplace_back(m.first);
  return names;
}

std::unique_ptr<Model> make_model(const std::string& name) {
  for (const auto& m : kModels)
    if (name == m.first) return m.second();
  return nullptr;
}

}  // namespace lobule
