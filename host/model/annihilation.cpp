// The annihilation test model (kernels/models/annihilation_rates.hpp): fields, parameters,
// observables. Registered in registry.cpp.
#include "kernels/models/annihilation_rates.hpp"
#include "kernels/voxel_class.hpp"
#include "model_of.hpp"

namespace lobule {
namespace {

class Annihilation final : public ModelOf<AnnihilationParams, AnnihilationRates> {
 public:
  Annihilation() : ModelOf({{"k", dims::kRate, &AnnihilationParams::k}}) {}

  std::string name() const override { return "annihilation"; }
  std::vector<FieldSpec> fields() const override {
    return {{"a", "conc", true, "A"}, {"b", "conc", true, "B"}, {"c", "conc", false, "C"}};
  }
  // a − b over the tissue [conc·µm³]: conserved with no-flux faces and no vessels.
  std::vector<std::string> observable_columns() const override { return {"a_minus_b_total"}; }
  std::vector<double> observables(const FieldSnapshot& s) const override {
    double sum = 0;
    for (int k = 0; k < s.box.nz; ++k)
      for (int j = 0; j < s.box.ny; ++j)
        for (int i = 0; i < s.box.nx; ++i) {
          const std::size_t c = s.box.idx(i, j, k);
          if (is_tissue(s.label[c])) sum += s.u(0, c) - s.u(1, c);
        }
    return {sum * s.voxel_volume};
  }
};

}  // namespace

std::unique_ptr<Model> make_annihilation() {
  return std::make_unique<Annihilation>();
}

}  // namespace lobule
