// The liver fibrosis model: fields, parameter table, scenario keys and observables
// (docs/liver_model.md). Its initial states are in liver_fibrosis_init.cpp; registered in
// registry.cpp.
#include "liver_fibrosis.hpp"

#include <filesystem>

#include "geometry/vti_layout.hpp"
#include "host/config/config.hpp"
#include "host/config/units.hpp"
#include "kernels/voxel_class.hpp"

namespace lobule {
namespace {

const char* const kFieldNames[kLiverFields] = {
    "tgfb", "tnfa", "il10", "hgf",  "vegf", "egf",      "mmp",      "timp",      "ev",
    "hep",  "hsc",  "mac1", "mac2", "msc",  "ev_cargo", "collagen", "collagen_x"};
const char* const kFieldUnits[kLiverFields] = {"ng/mL",
                                               "ng/mL",
                                               "ng/mL",
                                               "ng/mL",
                                               "ng/mL",
                                               "ng/mL",
                                               "ng/mL",
                                               "ng/mL",
                                               "1e9 particles/mL",
                                               "fraction of healthy",
                                               "fraction of capacity",
                                               "relative density",
                                               "relative density",
                                               "cells per 1e6 um^3",
                                               "a.u.",
                                               "relative scar density",
                                               "relative scar density"};

// Names for figures and colour bars (UTF-8), in the order of kFieldNames.
const char* const kFieldTitles[kLiverFields] = {"TGF-β",
                                                "TNF-α",
                                                "IL-10",
                                                "HGF",
                                                "VEGF",
                                                "EGF",
                                                "MMP",
                                                "TIMP",
                                                "EVs",
                                                "hepatocytes",
                                                "activated HSCs",
                                                "M1 macrophages",
                                                "M2 macrophages",
                                                "MSCs",
                                                "EV cargo",
                                                "fibrillar collagen",
                                                "cross-linked collagen"};

std::vector<ParamSpec<LiverParams>> parameter_table() {
  std::vector<ParamSpec<LiverParams>> t;
#define LOBULE_LIVER_SPEC(sym, dim, value, meaning) \
  t.emplace_back(#sym, dims::dim, &LiverParams::sym);
  LOBULE_LIVER_PARAMETERS(LOBULE_LIVER_SPEC)
#undef LOBULE_LIVER_SPEC
  for (int q = 0; q < kLiverDiffusing; ++q) {
    const std::string f = kFieldNames[q];
    t.emplace_back("D_" + f, dims::kDiffusivity, [q](LiverParams& p) -> double& { return p.D[q]; });
    t.emplace_back("half_life_" + f, dims::kTime,
                   [q](LiverParams& p) -> double& { return p.half_life[q]; });
    t.emplace_back("C_half_" + f, dims::kNone,
                   [q](LiverParams& p) -> double& { return p.C_half[q]; });
  }
  return t;
}

int diffusing_field(const std::string& name) {
  for (int q = 0; q < kLiverDiffusing; ++q)
    if (name == kFieldNames[q]) return q;
  return -1;
}

const char* pattern_name(InjuryPattern p) {
  switch (p) {
    case InjuryPattern::Pericentral:
      return "pericentral";
    case InjuryPattern::Periportal:
      return "periportal";
    case InjuryPattern::Uniform:
      break;
  }
  return "uniform";
}

}  // namespace

LiverFibrosis::LiverFibrosis() : ModelOf(parameter_table()) {}

std::vector<FieldSpec> LiverFibrosis::fields() const {
  std::vector<FieldSpec> f;
  for (int q = 0; q < kLiverFields; ++q)
    f.push_back({kFieldNames[q], kFieldUnits[q], q < kLiverDiffusing, kFieldTitles[q]});
  return f;
}

// Half-saturation constants, half-lives and diffusivities must be positive (h(x, 0) is 0/0 at
// x = 0; a zero half-life an infinite rate); p_cargo is a fraction.
void LiverFibrosis::parse_parameters(const ConfigNode& n) {
  ModelOf::parse_parameters(n);
  const LiverParams& p = params_;
  const std::pair<const char*, double> positive[] = {
      {"K_hgf", p.K_hgf},   {"K_egf", p.K_egf},         {"C_block", p.C_block},
      {"K_tnf", p.K_tnf},   {"K_cargo", p.K_cargo},     {"K_tgfb", p.K_tgfb},
      {"K_il10", p.K_il10}, {"K_hgf_inh", p.K_hgf_inh}, {"K_msc", p.K_msc},
      {"K_mmp", p.K_mmp},   {"K_vegf", p.K_vegf}};
  for (const auto& [key, v] : positive)
    if (!(v > 0)) n[key].fail(fmt::format("{} must be positive", key));
  for (int q = 0; q < kLiverDiffusing; ++q) {
    const std::string f = kFieldNames[q];
    if (!(p.D[q] > 0)) n["D_" + f].fail("the diffusivity must be positive");
    if (!(p.half_life[q] > 0)) n["half_life_" + f].fail("the half-life must be positive");
    if (!(p.C_half[q] > 0)) n["C_half_" + f].fail("C_half must be positive");
  }
  if (p.p_cargo > 1) n["p_cargo"].fail("p_cargo is a fraction: at most 1");
  for (const auto& [key, v] : {std::pair<const char*, double>{"f_engraft", p.f_engraft},
                               {"f_liver", p.f_liver},
                               {"f_liver_ev", p.f_liver_ev},
                               {"f_ev_alpha", p.f_ev_alpha}})
    if (v > 1) n[key].fail(fmt::format("{} is a fraction: at most 1", key));
  for (const auto& [key, v] : {std::pair<const char*, double>{"V_liver", p.V_liver},
                               {"V_portal", p.V_portal},
                               {"tau_ev", p.tau_ev},
                               {"tau_ev_alpha", p.tau_ev_alpha},
                               {"Q_liver", p.Q_liver},
                               {"t_inj", p.t_inj},
                               {"k_lung", p.k_lung},
                               {"V_inj", p.V_inj}})
    if (!(v > 0)) n[key].fail(fmt::format("{} must be positive", key));
  // The blood curve's phases (kernels/models/ev_pharmacokinetics.hpp): the fast one first.
  if (p.tau_ev_alpha > p.tau_ev)
    n[n.has("tau_ev_alpha") ? "tau_ev_alpha" : "tau_ev"].fail(fmt::format(
        "tau_ev_alpha ({:g} s) is the EV blood curve's fast phase and tau_ev ({:g} s) its slow "
        "one: tau_ev_alpha must not be longer (the measured fast phase has a half-life of 7-9 "
        "min: tau_ev_alpha \"11.5 min\"; docs/therapy.md)",
        p.tau_ev_alpha, p.tau_ev));
}

std::vector<std::string> LiverFibrosis::scenario_keys() const {
  return {"blood", "initial", "injury", "therapy"};
}

void LiverFibrosis::parse_scenario(const ConfigNode& model, const Config& c) {
  therapy_.parse(model["therapy"], c.geometry.kind == "hex_lobule" && c.geometry.periodic_z,
                 params_);
  const ConfigNode blood = model["blood"];
  if (blood.defined()) {
    blood.expect_map();
    for (const auto& kv : blood.yaml()) {
      const std::string f = kv.first.as<std::string>();
      const int q = diffusing_field(f);
      if (q < 0)
        blood[f].fail(
            fmt::format("'{}' is not a diffusing field of the liver model (one of: tgfb, "
                        "tnfa, il10, hgf, vegf, egf, mmp, timp, ev)",
                        f));
      const double v = blood[f].quantity(dims::kNone);
      if (!(v >= 0)) blood[f].fail("a blood concentration must not be negative");
      params_.c_blood[q] = v;
    }
  }
  const ConfigNode init = model["initial"];
  if (init.defined()) {
    if (init.is_map()) {
      init.expect_keys({"file"});
      namespace fs = std::filesystem;
      fs::path path = init["file"].str();
      if (path.is_relative()) path = fs::path(c.file).parent_path() / path;
      path = fs::absolute(path);  // stored so: a restart from another folder finds it
      start_file_ = path.lexically_normal().string();
      if (!c.start_replaced)  // a restart never reads it: a file deleted since may not block one
        if (const std::string why = input_file_problem(start_file_); !why.empty())
          init["file"].fail(why);
      start_ = LiverStart::File;
    } else {
      if (!init.is_scalar() || (init.str() != "healthy" && init.str() != "cirrhotic"))
        init.fail("expected healthy, cirrhotic or { file: RUN/fields/NNNNNN.vti }");
      start_ = init.str() == "healthy" ? LiverStart::Healthy : LiverStart::Cirrhotic;
    }
  }
  const ConfigNode injury = model["injury"];
  if (!injury.defined()) return;
  if (!injury.is_sequence())
    injury.fail(
        "expected a list of periods, e.g. - { pattern: pericentral, rate: \"0.3 1/d\", "
        "from: \"0 d\", to: \"28 d\" }");
  if (injury.size() > std::size_t(kMaxInjuryPeriods))
    injury.fail(fmt::format("{} periods: at most {}", injury.size(), kMaxInjuryPeriods));
  params_.injury_periods = 0;
  for (std::size_t k = 0; k < injury.size(); ++k) {
    const ConfigNode n = injury.at(k);
    n.expect_keys({"pattern", "rate", "from", "to"});
    InjuryPeriod p;
    const std::string pat = n["pattern"].choice({"pericentral", "periportal", "uniform"});
    p.pattern = pat == "pericentral"  ? InjuryPattern::Pericentral
                : pat == "periportal" ? InjuryPattern::Periportal
                                      : InjuryPattern::Uniform;
    p.rate = n["rate"].quantity(dims::kRate);
    if (!(p.rate >= 0)) n["rate"].fail("the injury rate must not be negative");
    p.from = n.has("from") ? n["from"].quantity(dims::kTime) : 0.0;
    p.to = n["to"].quantity(dims::kTime);
    if (!(p.from >= 0)) n["from"].fail("must not be negative");
    if (!(p.to > p.from)) n["to"].fail("the period must end after it starts ('from')");
    params_.injury[params_.injury_periods++] = p;
  }
}

// Each field as a species: diffusing fields with their free D, hindered by the scar
// (C = collagen + collagen_x, D = D_free/(1 + C/C_half)); portal veins and hepatic arteries
// hold the blood level, central veins the outflow value 0. Local fields neither diffuse nor
// are held. The initial values come from the model (initial_state).
std::vector<SpeciesConfig> LiverFibrosis::species() const {
  std::vector<SpeciesConfig> out;
  for (int q = 0; q < kLiverFields; ++q) {
    SpeciesConfig s;
    s.name = kFieldNames[q];
    if (q < kLiverDiffusing) {
      s.diffusivity = params_.D[q];
      s.driver.fields = {"collagen", "collagen_x"};
      s.driver.field_index = {kCollagen, kCollagenX};
      s.driver.c_half = params_.C_half[q];
      s.vessels = {{kPortalVein, params_.c_blood[q]},
                   {kHepaticArtery, params_.c_blood[q]},
                   {kCentralVein, 0.0}};
    }
    out.push_back(s);
  }
  return out;
}

void LiverFibrosis::resolved_scenario(YAML::Node& model) const {
  for (int q = 0; q < kLiverDiffusing; ++q) model["blood"][kFieldNames[q]] = params_.c_blood[q];
  if (start_ == LiverStart::File)
    model["initial"]["file"] = start_file_;
  else
    model["initial"] = start_ == LiverStart::Healthy ? "healthy" : "cirrhotic";
  YAML::Node injury(YAML::NodeType::Sequence);
  for (int k = 0; k < params_.injury_periods; ++k) {
    const InjuryPeriod& p = params_.injury[k];
    YAML::Node n;
    n["pattern"] = pattern_name(p.pattern);
    n["rate"] = format_quantity(p.rate, dims::kRate);
    n["from"] = format_quantity(p.from, dims::kTime);
    n["to"] = format_quantity(p.to, dims::kTime);
    injury.push_back(n);
  }
  model["injury"] = injury;
  therapy_.resolved(model);
}

std::vector<std::string> LiverFibrosis::observable_columns() const {
  std::vector<std::string> c = {"time_d",         "cpa",
                                "collagen_mean",  "collagen_x_mean",
                                "collagen_zone1", "collagen_zone2",
                                "collagen_zone3", "hep_mean",
                                "hsc_mean",       "mac1_mean",
                                "mac2_mean",      "msc_total",
                                "ev_total",       "ev_cargo_total"};
  for (int q = 0; q < kEv; ++q) c.push_back(std::string(kFieldNames[q]) + "_mean");
  c.push_back("ev_septum_mean");
  c.push_back("ev_parenchyma_mean");
  return c;
}

std::unique_ptr<Model> make_liver_fibrosis() {
  return std::make_unique<LiverFibrosis>();
}

}  // namespace lobule
