/// Parameters of the liver fibrosis model (docs/liver_model.md, MODEL.md of the project), in
/// base units: rates [1/s], concentrations in the field's unit (ng/mL, 10^9 EVs/mL, fractions),
/// lengths [µm]. The defaults are the model's own table; `model.parameters` overrides any of them.
#pragma once

namespace lobule {

/// The 17 fields in the order the rates index them: 9 diffusing, then 8 local.
enum LiverField : int {
  kTgfb,
  kTnfa,
  kIl10,
  kHgf,
  kVegf,
  kEgf,
  kMmp,
  kTimp,
  kEv,  // diffusing
  kHep,
  kHsc,
  kMac1,
  kMac2,
  kMsc,
  kEvCargo,
  kCollagen,
  kCollagenX,  // local
  kLiverFields
};
inline constexpr int kLiverDiffusing = kEv + 1;
inline constexpr double kDay = 86400.0;  ///< [s]
inline constexpr double kMinute = 60.0;  ///< [s]
inline constexpr double kHour = 3600.0;  ///< [s]

/// Where the injury acts (MODEL.md: I = k_inj·on(t)·w(zone)).
enum class InjuryPattern : int { Pericentral, Periportal, Uniform };

/// One injury period: rate k_inj [1/s] for from ≤ t < to [s].
struct InjuryPeriod {
  InjuryPattern pattern = InjuryPattern::Pericentral;
  double rate = 0, from = 0, to = 0;
};
inline constexpr int kMaxInjuryPeriods = 16;

/// What a therapy dose gives (model.therapy): mesenchymal stem cells or their vesicles.
enum class TherapyAgent : int { Msc, Ev };
/// How it is given: into the portal vein, into a peripheral vein, or into the liver itself.
enum class TherapyRoute : int { PortalVein, PeripheralIv, Intrahepatic };

/// One dose of the therapy schedule (a `repeat` is expanded into one dose per time): `amount`
/// cells or particles given at tissue time `at` [s]; an intrahepatic bolus is centred at
/// `center` [µm] with Gaussian width `radius` [µm].
struct TherapyDose {
  TherapyAgent agent = TherapyAgent::Msc;
  TherapyRoute route = TherapyRoute::PortalVein;
  double at = 0, amount = 0;
  double center[3] = {0, 0, 0};
  double radius = 0;
  /// MSCs: placed as whole cells drawn with `seed` (placement: cells), or as their expected
  /// density (placement: density).
  bool cells = false;
  unsigned long long seed = 1;
};
inline constexpr int kMaxDoses = 64;

// The scalar parameters: X(symbol, dimension, default in base units, meaning). Rates in 1/s
// (written per day), productions in field-unit/s per unit of the producing cell field,
// half-saturation constants in the unit of their argument.
#define LOBULE_LIVER_PARAMETERS(X)                                                               \
  /* hepatocytes */                                                                              \
  X(r_hep, kRate, 1.5 / kDay, "hepatocyte regeneration rate at full growth-factor drive")        \
  X(K_hgf, kNone, 0.3, "HGF half-saturation [ng/mL]")                                            \
  X(a_egf, kNone, 1.0, "weight of EGF beside HGF in regeneration")                               \
  X(K_egf, kNone, 0.3, "EGF half-saturation [ng/mL]")                                            \
  X(C_block, kNone, 20.0, "scar density that leaves no room for hepatocytes")                    \
  X(k_tnf, kRate, 0.05 / kDay, "TNF-alpha-induced hepatocyte death rate")                        \
  X(K_tnf, kNone, 0.5, "TNF-alpha half-saturation [ng/mL]")                                      \
  X(p_cargo, kNone, 0.8, "largest protection of hepatocytes by EV cargo (0..1)")                 \
  X(K_cargo, kNone, 1.0, "EV cargo half-saturation [a.u.]")                                      \
  /* hepatic stellate cells */                                                                   \
  X(a_hsc, kRate, 0.12 / kDay, "HSC activation rate by TGF-beta")                                \
  X(K_tgfb, kNone, 2.0, "TGF-beta half-saturation [ng/mL]")                                      \
  X(a_dmg, kNone, 100.0, "amplification of HSC activation by hepatocyte loss")                   \
  X(K_hgf_inh, kNone, 1.0, "HGF level that halves HSC activation [ng/mL]")                       \
  X(d_hsc, kRate, 0.57 / kDay, "HSC deactivation and apoptosis rate")                            \
  X(d_hgf, kRate, 0.1 / kDay, "HSC apoptosis rate added by HGF")                                 \
  X(d_cargo, kRate, 0.5 / kDay, "HSC apoptosis rate added by EV cargo")                          \
  X(d_il10, kRate, 0.1 / kDay, "HSC apoptosis rate added by IL-10")                              \
  X(K_il10, kNone, 0.5, "IL-10 half-saturation [ng/mL]")                                         \
  /* macrophages */                                                                              \
  X(r_mac, kRate, 0.22 / kDay, "M1 recruitment by injury (per 1/d of I) and hepatocyte loss")    \
  X(r_mac0, kRate, 0.02 / kDay, "baseline M1 recruitment")                                       \
  X(k12, kRate, 0.24 / kDay, "M1 to M2 polarization rate at drive 1")                            \
  X(k21, kRate, 0.05 / kDay, "M2 to M1 repolarization rate")                                     \
  X(d_mac, kRate, 0.3 / kDay, "macrophage loss rate")                                            \
  X(phi0, kNone, 1.0, "baseline drive to M2")                                                    \
  X(a_il10, kNone, 1.0, "drive to M2 by IL-10")                                                  \
  X(a_msc, kNone, 2.0, "drive to M2 by MSCs")                                                    \
  X(K_msc, kNone, 0.1, "MSC half-saturation [cells per 10^6 um^3]")                              \
  X(a_cargo, kNone, 1.0, "drive to M2 by EV cargo")                                              \
  /* MSCs and EV cargo */                                                                        \
  X(f_engraft, kNone, 0.03, "fraction of a portal-vein or intrahepatic MSC dose that engrafts")  \
  X(f_liver, kNone, 5e-4, "fraction of a peripheral-IV MSC dose that reaches the liver")         \
  X(f_liver_ev, kNone, 0.3, "liver's share of the EVs cleared from the blood")                   \
  X(V_liver, kVolume, 1.5e12, "liver volume a dose spreads over (mouse liver, 1.5 mL) [um^3]")   \
  X(V_portal, kVolume, 2.0e12, "blood volume an EV dose mixes into (mouse, 2 mL) [um^3]")        \
  X(tau_ev, kTime, 6.0 * kHour / 0.69314718055994531, "EV blood curve, slow phase (t1/2 6 h)")   \
  X(tau_ev_alpha, kTime, 8.0 * kMinute / 0.69314718055994531, "EV blood curve, fast phase")      \
  X(f_ev_alpha, kNone, 0.5, "share of an EV dose's first blood level in the fast phase")         \
  X(Q_liver, kFlow, 1.8e12 / kMinute, "hepatic blood flow (portal and arterial) [um^3/s]")       \
  X(t_inj, kTime, 1.0 * kMinute, "duration of a portal-vein EV infusion")                        \
  X(d_msc, kRate, 0.231 / kDay, "MSC death rate (half-life 3 d)")                                \
  X(k_lung, kRate, 0.69314718055994531 / kDay, "clearance of MSCs held in the lungs (t1/2 1 d)") \
  X(V_inj, kVolume, 0.1e12, "liver volume an intrahepatic injection spreads over [um^3]")        \
  X(q_ev, kNone, 1.0, "cargo per EV taken up [a.u. per 10^9 EVs/mL]")                            \
  X(k_up, kRate, 24.0 / kDay, "EV uptake rate per unit cell density")                            \
  X(lambda_cargo, kRate, 0.5 / kDay, "EV cargo turnover rate")                                   \
  /* collagen */                                                                                 \
  X(p_col, kRate, 1.0 / kDay, "collagen deposition rate per unit of activated HSCs")             \
  X(a_col, kNone, 1.0, "TGF-beta boost of collagen deposition")                                  \
  X(k_deg, kRate, 1.6 / kDay, "MMP degradation rate of fibrillar collagen")                      \
  X(K_mmp, kNone, 0.064, "MMP half-saturation [ng/mL]")                                          \
  X(k_x, kRate, 0.0135 / kDay, "cross-linking rate")                                             \
  X(k_deg_x, kRate, 0.006 / kDay, "MMP degradation rate of cross-linked collagen")               \
  X(p_tract, kRate, 0.004 / kDay, "collagen upkeep by portal fibroblasts in portal tracts")      \
  /* cytokine and growth-factor sources [field unit/s per unit of the cell field] */             \
  X(s_tgfb_m1, kRate, 4.0 / kDay, "TGF-beta secretion by M1 macrophages")                        \
  X(s_tgfb_hsc, kRate, 60.0 / kDay, "TGF-beta secretion by activated HSCs")                      \
  X(s_tgfb_inj, kNone, 580.0, "TGF-beta released per injured hepatocyte [ng/mL]")                \
  X(s_tnf_m1, kRate, 50.0 / kDay, "TNF-alpha secretion by M1 macrophages")                       \
  X(s_il10_msc, kRate, 1000.0 / kDay, "IL-10 secretion by MSCs")                                 \
  X(s_il10_m2, kRate, 13.0 / kDay, "IL-10 secretion by M2 macrophages")                          \
  X(s_hgf_msc, kRate, 12.0 / kDay, "HGF secretion by MSCs")                                      \
  X(s_hgf_lsec, kRate, 50.0 / kDay, "angiocrine HGF from sinusoidal endothelium")                \
  X(K_vegf, kNone, 0.5, "VEGF half-saturation [ng/mL]")                                          \
  X(s_hgf_hsc, kRate, 5.0 / kDay, "HGF secretion by HSCs")                                       \
  X(u_hgf, kRate, 5.0 / kDay, "HGF consumption by hepatocytes [ng/mL/s]")                        \
  X(s_vegf_msc, kRate, 1.2 / kDay, "VEGF secretion by MSCs")                                     \
  X(s_vegf_dmg, kRate, 20.0 / kDay, "VEGF released where hepatocytes are lost")                  \
  X(s_egf_msc, kRate, 1000.0 / kDay, "EGF secretion by MSCs")                                    \
  X(u_egf, kRate, 5.0 / kDay, "EGF consumption by hepatocytes [ng/mL/s]")                        \
  X(s_mmp_msc, kRate, 10000.0 / kDay, "MMP secretion by MSCs")                                   \
  X(s_mmp_m2, kRate, 76.0 / kDay, "MMP secretion by M2 macrophages")                             \
  X(s_mmp_hsc, kRate, 13.5 / kDay, "MMP secretion by activated HSCs")                            \
  X(s_timp_hsc, kRate, 840.0 / kDay, "TIMP-1 secretion by activated HSCs")                       \
  X(s_timp_m1, kRate, 4.0 / kDay, "TIMP-1 secretion by M1 macrophages")                          \
  X(k_mt, kRate, 100.0 / kDay, "MMP-TIMP complexation [1/(ng/mL)/s]")                            \
  X(s_ev_msc, kRate, 0.0, "EV release by engrafted MSCs [10^9/mL/s per cell/10^6 um^3]")         \
  /* blood */                                                                                    \
  X(k_ex, kRate, 1.0 / kHour, "exchange rate of sinusoid voxels with blood")                     \
  X(k_ex_ev, kRate, 0.2 / kHour, "exchange rate of sinusoid voxels with blood for EVs")

struct LiverParams {
#define LOBULE_LIVER_MEMBER(sym, dim, value, meaning) double sym = value;
  LOBULE_LIVER_PARAMETERS(LOBULE_LIVER_MEMBER)
#undef LOBULE_LIVER_MEMBER
  // Per diffusing field (index LiverField): free diffusivity [µm²/s], half-life [s], the scar
  // density that halves D [relative], blood concentration [field unit].
  double D[kLiverDiffusing] = {60, 60, 70, 40, 70, 100, 40, 60, 5};
  double half_life[kLiverDiffusing] = {30 * kMinute, 20 * kMinute, 2.5 * kHour,
                                       30 * kMinute, 90 * kMinute, 60 * kMinute,
                                       2 * kHour,    4 * kHour,    6 * kHour};
  double C_half[kLiverDiffusing] = {2, 2, 2, 2, 2, 2, 2, 2, 0.2};
  double c_blood[kLiverDiffusing] = {0.02, 0, 0, 0, 0, 0.3, 0, 0, 0};
  InjuryPeriod injury[kMaxInjuryPeriods] = {};
  int injury_periods = 0;
  TherapyDose dose[kMaxDoses] = {};  ///< sorted by time
  int doses = 0;
};

}  // namespace lobule
