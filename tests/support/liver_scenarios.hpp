/// Small liver-model scenarios the tests share: a coarse lobule and a uniform box.
#pragma once
#include <string>

namespace lobule::test {

/// A double-precision liver-model scenario: its head (name, grid, geometry), the model
/// section's extra keys and the time section.
inline std::string liver_scenario(const std::string& head, const std::string& model_extra,
                                  const std::string& time) {
  return head + "model:\n  name: liver_fibrosis\n" + model_extra + "\ntime: " + time +
         "\nprecision: double\n";
}

// A small lobule (radius 150 µm, one 30 µm layer) at a coarse spacing: sinusoids, portal and
// central veins, zones.
inline std::string lobule_scenario(const std::string& model_extra, const std::string& time) {
  return liver_scenario(R"(
name: liver_test
grid: { spacing: "30 um" }
geometry:
  kind: hex_lobule
  radius: "150 um"
  height: "30 um"
  central_vein_radius: "20 um"
  portal: { vein_radius: "15 um", artery_radius: "5 um", duct_radius: "5 um", tract_radius: "30 um" }
  sinusoids: { allow_coarse: true, plate_thickness: "60 um" }
)",
                        model_extra, time);
}

// A uniform box of parenchyma: no vessels, no sinusoids, no zones (well mixed).
inline std::string box_scenario(const std::string& model_extra, const std::string& time) {
  return liver_scenario(R"(
name: liver_box
grid: { spacing: "20 um" }
geometry: { kind: box, size: ["60 um", "40 um", "40 um"] }
)",
                        model_extra, time);
}

}  // namespace lobule::test
