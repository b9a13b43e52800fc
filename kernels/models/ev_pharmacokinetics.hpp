/// Whole-body pharmacokinetics of an EV dose (docs/therapy.md, "EVs in the body"): a linear
/// two-compartment model of the blood (volume V_b = V_portal) and a peripheral compartment,
/// cleared from the blood into the liver (share f_liver_ev) and the rest of the body, whose
/// closed form is the measured two-phase blood curve
///
///     c(t) = c0·[f_α·e^{−α·t} + (1 − f_α)·e^{−β·t}],   α = 1/tau_ev_alpha, β = 1/tau_ev,
///
/// with the micro-constants that give it (Gibaldi & Perrier, Pharmacokinetics, ch. 2):
///
///     dB/dt = −(k12 + k10)·B + k21·P,   dP/dt = k12·B − k21·P,
///     dL/dt = f_liver_ev·k10·B,         dO/dt = (1 − f_liver_ev)·k10·B,
///     k21 = f_α·β + (1 − f_α)·α,  k10 = α·β/k21,  k12 = α + β − k21 − k10   [1/s],
///
/// B, P, L, O the particles in blood, periphery, liver and the other organs (B + P + L + O is
/// the dose at every t). A peripheral dose enters the blood whole; a portal dose passes the liver
/// first: the liver takes E = min(1, CL_liver/Q_liver) of it on that pass (CL_liver =
/// f_liver_ev·k10·V_b, the liver's clearance; a well-mixed liver's extraction), and the lobule's
/// blood carries the dose as it washes through, c_fp·e^{−t/t_inj} with c_fp = dose/(Q_liver·t_inj)
/// (its integral is dose/Q_liver, whatever the infusion's length t_inj); the rest, (1 − E)·dose,
/// enters the blood. The liver's uptake thus lowers the blood level through k10
/// (the whole liver: the simulated tissue is a sample of it and takes its own share, k_up).
/// Host and device (the blood level is read by the kernels); concentrations in 10⁹ particles/mL
/// (1 mL = 10¹² µm³), volumes in µm³, flows in µm³/s, times in s.
#pragma once
#include <cmath>

#include "kernels/reaction.hpp"
#include "liver_fibrosis_params.hpp"

namespace lobule {

/// The micro-constants of the two-compartment model [1/s] from the blood curve's phases.
struct EvMicroConstants {
  double alpha, beta, f_alpha;  ///< the macro-constants: the phases' rates and the fast share
  double k12, k21, k10;

  static EvMicroConstants of(const LiverParams& p) {
    EvMicroConstants m{};
    m.alpha = 1 / p.tau_ev_alpha;
    m.beta = 1 / p.tau_ev;
    m.f_alpha = p.f_ev_alpha;
    m.k21 = m.f_alpha * m.beta + (1 - m.f_alpha) * m.alpha;
    m.k10 = m.alpha * m.beta / m.k21;
    // = (α − k21)·(k21 − β)/k21 ≥ 0 (k21 lies between β and α): kept from round-off below 0.
    m.k12 = m.alpha + m.beta - m.k21 - m.k10;
    if (m.k12 < 0) m.k12 = 0;
    return m;
  }
  /// The liver's clearance of EVs from the blood [µm³/s].
  static double liver_clearance(const LiverParams& p) {
    return p.f_liver_ev * of(p).k10 * p.V_portal;
  }
  /// The share of a portal dose the liver takes on the first pass.
  static double first_pass_extraction(const LiverParams& p) {
    const double e = liver_clearance(p) / p.Q_liver;
    return e < 1 ? e : 1;
  }
  /// The share of dose d the liver takes before it reaches the blood: the first-pass extraction
  /// of a portal dose, nothing of a peripheral one.
  static double first_pass(const LiverParams& p, const TherapyDose& d) {
    return d.route == TherapyRoute::PortalVein ? first_pass_extraction(p) : 0.0;
  }
};

/// Where the particles of one EV dose are at time t after it (the compartments above).
struct EvCompartments {
  double blood, periphery, liver, other;
};

/// The compartments of dose d at time t ≥ d.at [particles]: the closed form of the model above.
inline EvCompartments ev_compartments(const LiverParams& p, const TherapyDose& d, double t) {
  const EvMicroConstants m = EvMicroConstants::of(p);
  const double E = EvMicroConstants::first_pass(p, d);
  const double B0 = (1 - E) * d.amount, s = t - d.at;
  const double ea = std::exp(-m.alpha * s), eb = std::exp(-m.beta * s);
  EvCompartments c{};
  c.blood = B0 * (m.f_alpha * ea + (1 - m.f_alpha) * eb);
  // P(s) = k12·B0·(e^{−βs} − e^{−αs})/(α − β); with α = β the limit k12·B0·s·e^{−αs}.
  const double gap = m.alpha - m.beta;
  c.periphery = m.k12 * B0 * (gap != 0 ? (eb - ea) / gap : s * ea);
  // ∫₀ˢ B = B0·[f_α·(1 − e^{−αs})/α + (1 − f_α)·(1 − e^{−βs})/β]
  const double cleared = m.k10 * B0 *
                         (m.f_alpha * -std::expm1(-m.alpha * s) / m.alpha +
                          (1 - m.f_alpha) * -std::expm1(-m.beta * s) / m.beta);
  c.liver = E * d.amount + p.f_liver_ev * cleared;
  c.other = (1 - p.f_liver_ev) * cleared;
  return c;
}

/// The blood levels of the EV doses as the kernels read them: per dose its time t0 [s], the
/// level it starts in the blood c0 and the level c_fp its first pass starts at (portal doses)
/// [10⁹ particles/mL].
template <class T>
struct EvBloodCurve {
  T t0[kMaxDoses], c0[kMaxDoses], c_fp[kMaxDoses];
  T alpha, beta, f_alpha, t_inj;
  int pulses = 0;

  explicit EvBloodCurve(const LiverParams& p) {
    const EvMicroConstants m = EvMicroConstants::of(p);
    alpha = T(m.alpha), beta = T(m.beta), f_alpha = T(m.f_alpha), t_inj = T(p.t_inj);
    for (int k = 0; k < kMaxDoses; ++k) t0[k] = c0[k] = c_fp[k] = T(0);
    for (int k = 0; k < p.doses; ++k)
      if (p.dose[k].agent == TherapyAgent::Ev) {
        t0[pulses] = T(p.dose[k].at);
        c0[pulses] = T(systemic_peak(p, p.dose[k]));
        c_fp[pulses++] = T(first_pass_level(p, p.dose[k]));
      }
  }

  /// The blood level dose d starts [10⁹/mL]: the particles entering the blood over V_b.
  static double systemic_peak(const LiverParams& p, const TherapyDose& d) {
    return (1 - EvMicroConstants::first_pass(p, d)) * d.amount * 1e3 / p.V_portal;
  }
  /// The level the liver's blood starts at as a portal dose washes through: dose/(Q_liver·t_inj)
  /// [10⁹/mL]; 0 for a peripheral dose.
  static double first_pass_level(const LiverParams& p, const TherapyDose& d) {
    return d.route == TherapyRoute::PortalVein ? d.amount * 1e3 / (p.Q_liver * p.t_inj) : 0.0;
  }

  /// c_blood,ev(t) = Σ_doses [t ≥ t0]·(c0·(f_α·e^{−α(t−t0)} + (1 − f_α)·e^{−β(t−t0)})
  ///                 + c_fp·e^{−(t−t0)/t_inj})   [10⁹ particles/mL]
  RD_HOST_DEVICE T at(T t) const {
    T c = T(0);
    for (int k = 0; k < pulses; ++k) {
      if (!(t >= t0[k])) continue;
      const T s = t - t0[k];
      c += c0[k] * (f_alpha * rd_exp(-alpha * s) + (T(1) - f_alpha) * rd_exp(-beta * s)) +
           c_fp[k] * rd_exp(-s / t_inj);
    }
    return c;
  }
};

}  // namespace lobule
