/// The liver fibrosis model's reactions (MODEL.md; docs/liver_model.md): cells, cytokines, EVs
/// and collagen scar of one voxel in production–loss form, du/dt = P − L·u, shared by the CPU
/// and CUDA backends. h(x, K) = x/(K + x); C = collagen + collagen_x; I = injury rate [1/s].
#pragma once
#include "ev_pharmacokinetics.hpp"
#include "kernels/reaction.hpp"
#include "kernels/select.hpp"
#include "kernels/static_for.hpp"
#include "liver_fibrosis_params.hpp"

namespace lobule {

template <class T>
struct LiverRates {
  static constexpr int kMaxFields = kLiverFields;
  static constexpr bool kRowRates = true;  ///< voxel_rates takes lanes (fused_explicit_cpu.hpp)

#define LOBULE_LIVER_T_MEMBER(sym, dim, value, meaning) T sym;
  LOBULE_LIVER_PARAMETERS(LOBULE_LIVER_T_MEMBER)
#undef LOBULE_LIVER_T_MEMBER
  T lambda[kLiverDiffusing];  ///< ln 2 / half-life [1/s]
  T c_blood[kLiverDiffusing];
  T inv_c_half[kLiverDiffusing];  ///< 1/C_half: scar hinders exchange with blood as it does D
  T inj_rate[kMaxInjuryPeriods], inj_from[kMaxInjuryPeriods], inj_to[kMaxInjuryPeriods];
  int inj_pattern[kMaxInjuryPeriods];
  int injury_periods;
  EvBloodCurve<T> ev_curve;  ///< the EV doses' blood level (ev_pharmacokinetics.hpp)

  explicit LiverRates(const LiverParams& p) : ev_curve(p) {
#define LOBULE_LIVER_T_INIT(sym, dim, value, meaning) sym = T(p.sym);
    LOBULE_LIVER_PARAMETERS(LOBULE_LIVER_T_INIT)
#undef LOBULE_LIVER_T_INIT
    for (int q = 0; q < kLiverDiffusing; ++q) {
      lambda[q] = T(0.69314718055994531 / p.half_life[q]);
      c_blood[q] = T(p.c_blood[q]);
      inv_c_half[q] = T(1 / p.C_half[q]);
    }
    injury_periods = p.injury_periods;
    for (int k = 0; k < kMaxInjuryPeriods; ++k) {
      inj_rate[k] = T(p.injury[k].rate);
      inj_from[k] = T(p.injury[k].from);
      inj_to[k] = T(p.injury[k].to);
      inj_pattern[k] = int(p.injury[k].pattern);
    }
  }

  /// c_blood,ev(t): the EV doses' two-phase blood curve and first passes [10⁹ particles/mL].
  RD_HOST_DEVICE T ev_blood(T t) const {
    return ev_curve.at(t);
  }

  /// The blood level of diffusing field q at time t: its constant c_blood, plus the EV doses.
  RD_HOST_DEVICE T blood(int q, T t) const {
    return q == kEv ? c_blood[q] + ev_blood(t) : c_blood[q];
  }

  /// h(x, K) = x/(K + x) for x ≥ 0, K > 0.
  template <class V>
  RD_HOST_DEVICE RD_ALWAYS_INLINE static V hill(V x, T K) {
    return x / (K + x);
  }

  /// What the rates take from the time t alone, worked out once per step (LiverRates::at):
  /// the injury I(zone, t) = peri·zone³ + portal·(1 − zone)³ + uniform [1/s] summed over the
  /// periods active at t, and the blood level of each diffusing field.
  struct Now {
    T inj_peri, inj_portal, inj_uniform;
    T blood[kLiverDiffusing];
  };

  /// The time-dependent terms at t; with_ev = false leaves out the EV doses' blood level (for a
  /// voxel that does not exchange with blood, where it is not read).
  RD_HOST_DEVICE Now at(T t, bool with_ev = true) const {
    Now n;
    n.inj_peri = n.inj_portal = n.inj_uniform = T(0);
    for (int k = 0; k < injury_periods; ++k) {
      if (!(t >= inj_from[k] && t < inj_to[k])) continue;
      if (inj_pattern[k] == int(InjuryPattern::Uniform))
        n.inj_uniform += inj_rate[k];
      else if (inj_pattern[k] == int(InjuryPattern::Periportal))
        n.inj_portal += inj_rate[k];
      else
        n.inj_peri += inj_rate[k];
    }
    for (int q = 0; q < kLiverDiffusing; ++q) n.blood[q] = c_blood[q];
    if (with_ev) n.blood[kEv] += ev_blood(t);
    return n;
  }

  /// I(x, t) = Σ_periods k_inj·[from ≤ t < to]·w(zone) [1/s]; w = zone³ (pericentral),
  /// (1 − zone)³ (periportal) or 1 (uniform).
  template <class V>
  RD_HOST_DEVICE RD_ALWAYS_INLINE static V injury(const Now& n, V zone) {
    const V y = T(1) - zone;
    return n.inj_peri * (zone * zone * zone) + n.inj_portal * (y * y * y) + n.inj_uniform;
  }

  /// The label physics' cell-bearing voxels (parenchyma, sinusoids, portal tracts, septa; vessel
  /// lumina and bile ducts carry only the diffusing fields, which decay there). With volume
  /// fractions, cells live in the cell-bearing share of each voxel instead (TissueWeights).
  template <class Label>
  RD_HOST_DEVICE RD_ALWAYS_INLINE static auto has_cells(Label label) {
    return label == kParenchyma || label == kSinusoid || label == kPortalTract || label == kSeptum;
  }

  RD_HOST_DEVICE void rates(T t, const VoxelRef& v, int n, const T* u, T* P, T* L) const {
    if (n < kLiverFields) {
      for (int q = 0; q < n; ++q) P[q] = L[q] = T(0);
      return;
    }
    const TissueWeights<T> w{T(v.tissue.cell), T(v.tissue.sinusoid), T(v.tissue.tract)};
    voxel_rates(at(t, v.tissue.sinusoid > 0.0f), v.label, T(v.zone), w, u, P, L);
  }

  /// The rates of all 17 fields at a voxel of this label, zone and tissue weights w
  /// (kernels/voxel_class.hpp), with the time-dependent terms `now` (at(t)): V = T for one voxel
  /// (label a std::uint8_t), or lanes of a row of voxels (kernels/cpu/simd_lanes.hpp), for which
  /// the same formula computes the same bits. Written without branches: every term is computed,
  /// then kept or dropped (select).
  ///
  /// Volumes: the cell fields (hep, hsc, mac1, mac2, msc, ev_cargo, collagen, collagen_x) are
  /// densities in the cell-bearing share w.cell of the voxel; the diffusing fields are
  /// concentrations over the voxel. So what cells make or take up of a diffusing field counts
  /// w.cell times, the sinusoid lumen's exchange with blood and its endothelium's HGF w.sinusoid
  /// times, and the portal tract's collagen w.tract times (its share of the cells). With the
  /// label physics' 0/1 weights these are the equations of MODEL.md voxel by voxel.
  template <class V, class Label>
  RD_HOST_DEVICE RD_ALWAYS_INLINE void voxel_rates(const Now& now, Label label, V zone,
                                                   const TissueWeights<V>& w, const V* u, V* P,
                                                   V* L) const {
    const V tgfb = u[kTgfb], tnfa = u[kTnfa], il10 = u[kIl10], hgf = u[kHgf], vegf = u[kVegf];
    const V egf = u[kEgf], mmp = u[kMmp], timp = u[kTimp], ev = u[kEv];
    const V hep = u[kHep], hsc = u[kHsc], mac1 = u[kMac1], mac2 = u[kMac2], msc = u[kMsc];
    const V cargo = u[kEvCargo], col = u[kCollagen], colx = u[kCollagenX];
    const V zero = V(T(0)), scar = col + colx;
    const V C = select(scar > zero, scar, zero);
    const V I = injury(now, zone);    // [1/s]
    const V I_per_day = I * T(kDay);  // I in units of 1/d where it adds to (1 − hep)
    // Hepatocyte loss: the deficit against the voxel's capacity, (1 − C/C_block − hep)⁺, where
    // MODEL.md writes (1 − hep) (docs/liver_model.md: hepatocytes that scar leaves no room for
    // are not an injury signal; with 1 − hep, portal tracts and septa would keep activating
    // HSCs and recruiting macrophages in the healthy liver).
    const V cap = T(1) - C / C_block;
    const auto room = hep < cap;
    const V loss = select(room, cap - hep, zero);
    const V h_hgf = hill(hgf, K_hgf), h_cargo = hill(cargo, K_cargo), h_il10 = hill(il10, K_il10);
    const V h_tgfb = hill(tgfb, K_tgfb), h_mmp = hill(mmp, K_mmp);
    const V cells = hep + hsc + mac1 + mac2;
    // set(q, P_q, L_q) where there are cells, a diffusing field's P_q and L_q weighted by the
    // cell-bearing share w.cell; elsewhere only the decay of the diffusing fields is left. Each
    // diffusing field decays, − λ·c, on top of its loss below.
    const auto cell = w.cell > zero;
    const auto set = [&](auto q, V prod, V loss_rate) {
      constexpr int kQ = decltype(q)::value;
      if constexpr (kQ < kLiverDiffusing) {
        P[q] = select(cell, w.cell * prod, zero);
        L[q] = select(cell, V(lambda[q]) + w.cell * loss_rate, V(lambda[q]));
      } else {
        P[q] = select(cell, prod, zero);
        L[q] = select(cell, zero + loss_rate, zero);
      }
    };

    // hep' = r_hep·[h(hgf) + a_egf·h(egf)]·hep·max(0, 1 − hep − C/C_block)
    //        − [I + k_tnf·h(tnfa)]·hep·[1 − p_cargo·h(cargo)]
    // (growth g·hep·(cap − hep) = g·cap·hep − (g·hep)·hep while hep < cap = 1 − C/C_block)
    const V growth = r_hep * (h_hgf + a_egf * hill(egf, K_egf));
    set(Index<kHep>{}, select(room, growth * cap * hep, zero),
        select(room, growth * hep, zero) +
            (I + k_tnf * hill(tnfa, K_tnf)) * (T(1) - p_cargo * h_cargo));

    // hsc' = a_hsc·h(tgfb)·[1 + a_dmg·loss]·(1 − hsc)/(1 + hgf/K_hgf_inh)
    //        − [d_hsc + d_hgf·h(hgf) + d_cargo·h(cargo) + d_il10·h(il10)]·hsc
    const V act = a_hsc * h_tgfb * (T(1) + a_dmg * loss) / (T(1) + hgf / K_hgf_inh);
    set(Index<kHsc>{}, act, act + d_hsc + d_hgf * h_hgf + d_cargo * h_cargo + d_il10 * h_il10);

    // Φ = φ0 + a_il10·h(il10) + a_msc·h(msc) + a_cargo·h(cargo)   (drive to M2)
    const V phi = phi0 + a_il10 * h_il10 + a_msc * hill(msc, K_msc) + a_cargo * h_cargo;
    // mac1' = r_mac·[I + loss] + r_mac0 − k12·Φ·mac1 + k21·mac2 − d_mac·mac1
    set(Index<kMac1>{}, r_mac * (I_per_day + loss) + r_mac0 + k21 * mac2, k12 * phi + d_mac);
    // mac2' = k12·Φ·mac1 − k21·mac2 − d_mac·mac2
    set(Index<kMac2>{}, k12 * phi * mac1, k21 + d_mac);
    // msc' = −d_msc·msc   (doses are placed by the therapy schedule)
    set(Index<kMsc>{}, T(0), d_msc);
    // ev_cargo' = q_ev·k_up·(hep + hsc + mac1 + mac2)·ev − λ_cargo·ev_cargo
    set(Index<kEvCargo>{}, q_ev * k_up * cells * ev, lambda_cargo);
    // collagen' = p_col·hsc·[1 + a_col·h(tgfb)] + p_tract·w_tract
    //             − k_deg·h(mmp)·collagen − k_x·collagen      (w_tract: portal-tract share)
    set(Index<kCollagen>{}, p_col * hsc * (T(1) + a_col * h_tgfb) + w.tract * V(p_tract),
        k_deg * h_mmp + k_x);
    // collagen_x' = k_x·collagen − k_deg_x·h(mmp)·collagen_x
    set(Index<kCollagenX>{}, k_x * col, k_deg_x * h_mmp);

    // Each diffusing field decays, − λ·c, and takes these sources where there are cells:
    // tgfb' = … + s_tgfb_m1·mac1 + s_tgfb_hsc·hsc + s_tgfb_inj·I·hep − λ·tgfb
    set(Index<kTgfb>{}, s_tgfb_m1 * mac1 + s_tgfb_hsc * hsc + s_tgfb_inj * I * hep, zero);
    // tnfa' = … + s_tnf_m1·mac1 − λ·tnfa
    set(Index<kTnfa>{}, s_tnf_m1 * mac1, zero);
    // il10' = … + s_il10_msc·msc + s_il10_m2·mac2 − λ·il10
    set(Index<kIl10>{}, s_il10_msc * msc + s_il10_m2 * mac2, zero);
    // hgf' = … + s_hgf_msc·msc + s_hgf_hsc·hsc + s_hgf_lsec·h(vegf)·w_sinusoid − λ·hgf
    //        − u_hgf·hep·h(hgf)       (the endothelium's angiocrine HGF added below)
    set(Index<kHgf>{}, s_hgf_msc * msc + s_hgf_hsc * hsc, u_hgf * hep / (K_hgf + hgf));
    // vegf' = … + s_vegf_msc·msc + s_vegf_dmg·loss − λ·vegf
    set(Index<kVegf>{}, s_vegf_msc * msc + s_vegf_dmg * loss, zero);
    // egf' = … + s_egf_msc·msc − λ·egf − u_egf·hep·h(egf)
    set(Index<kEgf>{}, s_egf_msc * msc, u_egf * hep / (K_egf + egf));
    // mmp' = … + s_mmp_msc·msc + s_mmp_m2·mac2 + s_mmp_hsc·hsc − λ·mmp − k_mt·mmp·timp
    set(Index<kMmp>{}, s_mmp_msc * msc + s_mmp_m2 * mac2 + s_mmp_hsc * hsc, k_mt * timp);
    // timp' = … + s_timp_hsc·hsc + s_timp_m1·mac1 − λ·timp − k_mt·mmp·timp
    set(Index<kTimp>{}, s_timp_hsc * hsc + s_timp_m1 * mac1, k_mt * mmp);
    // ev' = … + s_ev_msc·msc − λ·ev − k_up·(hep + hsc + mac1 + mac2)·ev
    set(Index<kEv>{}, s_ev_msc * msc, k_up * cells);

    // Sinusoids exchange with blood, and their endothelium makes HGF (Ding 2010). Exchange is
    // hindered by scar as diffusion is (capillarized sinusoids in
    // septa lose their fenestrae; docs/liver_model.md): c' += k_ex/(1 + C/C_half)·(c_blood(t) − c),
    // with k_ex_ev for EVs (vesicles of 100–150 nm pass fenestrae of about their size slowly).
    // Both per sinusoid lumen, w.sinusoid of the voxel.
    (void)label;
    P[kHgf] += w.sinusoid * (s_hgf_lsec * hill(vegf, K_vegf));
    static_for<kLiverDiffusing>([&](auto q) {
      const V kx = w.sinusoid * ((q == kEv ? k_ex_ev : k_ex) / (T(1) + C * inv_c_half[q]));
      P[q] += kx * now.blood[q], L[q] += kx;
    });
  }
};

}  // namespace lobule
