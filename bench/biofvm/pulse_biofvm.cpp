// The problem of BM_PulseToTolerance (bench/bench_schemes.cpp) solved by BioFVM's 3-D
// constant-coefficient LOD diffusion–decay solver, for the comparison in bench/RESULTS.md: one
// substrate (D = 60 µm²/s, decay ln 2 / 30 min), a Gaussian pulse (σ = 100 µm, peak 1) at the
// centre of a zero-flux box of N³ voxels of 5 µm, stepped with DT to T; prints the stepping loop's
// wall time and the relative L2 error against the exact (method-of-images) solution at T.
// Built against a BioFVM source tree by bench/biofvm/build.sh; not part of lobule's build.
//
// Usage: pulse_biofvm N DT [T]    (T = 3600 s by default; use a DT that divides T: BioFVM's LOD
// solver computes its coefficients from the dt of its first call and ignores dt afterwards)
// Output (stdout, one line): N=.. dt=.. steps=.. wall_s=.. rel_l2_error=.. threads=..
// BioFVM's own messages go to stderr.

#include "BioFVM.h"

#include <omp.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <vector>

using namespace BioFVM;

static const double H = 5.0;        // voxel size, um
static const double D = 60.0;       // diffusion coefficient, um^2/s
static const double SIGMA = 100.0;  // initial Gaussian width, um

// zero-flux slab [0,L]: images at +-x0 + 2nL
static double axis_profile(double x, double x0, double L, double var, double var0) {
  int m = (int)std::ceil(8.0 * std::sqrt(var) / (2.0 * L)) + 1;
  double s = 0.0;
  for (int n = -m; n <= m; n++) {
    double a = x - x0 - 2.0 * n * L;
    double b = x + x0 - 2.0 * n * L;
    s += std::exp(-a * a / (2.0 * var)) + std::exp(-b * b / (2.0 * var));
  }
  return std::sqrt(var0 / var) * s;
}

static std::vector<double> profiles(int N, double t) {
  double L = N * H, x0 = 0.5 * L;
  double var0 = SIGMA * SIGMA, var = var0 + 2.0 * D * t;
  std::vector<double> p(N);
  for (int i = 0; i < N; i++) p[i] = axis_profile((i + 0.5) * H, x0, L, var, var0);
  return p;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s N DT [T]\n", argv[0]);
    return 2;
  }
  const int N = std::atoi(argv[1]);
  const double DT = std::atof(argv[2]);
  const double T = (argc > 3) ? std::atof(argv[3]) : 3600.0;
  if (N < 2 || !(DT > 0) || !(T > 0)) {
    std::fprintf(stderr, "bad arguments\n");
    return 2;
  }
  const double lambda = std::log(2.0) / 1800.0;  // 1/s

  // keep stdout to the single result line: BioFVM writes to std::cout
  std::streambuf* cout_buf = std::cout.rdbuf();
  std::cout.rdbuf(std::cerr.rdbuf());

  std::cerr << "BioFVM version " << BioFVM_Version << " (" << BioFVM_URL << ")" << std::endl;

  // ---- set-up (not timed) ----
  Microenvironment M;
  M.name = "pulse";
  M.spatial_units = "micron";
  M.time_units = "s";
  M.mesh.units = "micron";
  M.set_density(0, "pulse", "dimensionless", D, lambda);
  const double L = N * H;
  M.resize_space(0.0, L, 0.0, L, 0.0, L, H, H, H);  // (double dx,dy,dz) overload
  M.diffusion_decay_solver = diffusion_decay_solver__constant_coefficients_LOD_3D;

  if ((int)M.mesh.x_coordinates.size() != N || (int)M.mesh.y_coordinates.size() != N ||
      (int)M.mesh.z_coordinates.size() != N || !M.mesh.uniform_mesh || !M.mesh.Cartesian_mesh ||
      M.number_of_densities() != 1) {
    std::fprintf(stderr, "unexpected mesh: %zu x %zu x %zu uniform=%d cartesian=%d densities=%d\n",
                 M.mesh.x_coordinates.size(), M.mesh.y_coordinates.size(),
                 M.mesh.z_coordinates.size(), (int)M.mesh.uniform_mesh, (int)M.mesh.Cartesian_mesh,
                 M.number_of_densities());
    return 1;
  }
  // voxel-centre convention check: BioFVM centres must be (i+0.5)h
  for (int i = 0; i < N; i++) {
    if (std::fabs(M.mesh.x_coordinates[i] - (i + 0.5) * H) > 1e-9 ||
        std::fabs(M.mesh.y_coordinates[i] - (i + 0.5) * H) > 1e-9 ||
        std::fabs(M.mesh.z_coordinates[i] - (i + 0.5) * H) > 1e-9) {
      std::fprintf(stderr, "voxel centre mismatch at %d: %g\n", i, M.mesh.x_coordinates[i]);
      return 1;
    }
  }

  {
    std::vector<double> p0 = profiles(N, 0.0);
    for (int k = 0; k < N; k++)
      for (int j = 0; j < N; j++)
        for (int i = 0; i < N; i++)
          M.density_vector(M.voxel_index(i, j, k))[0] = p0[i] * p0[j] * p0[k];
  }

  const long steps = (long)std::ceil(T / DT - 1e-9);
  const double last_dt = T - (steps - 1) * DT;
  if (std::fabs(last_dt - DT) > 1e-9 * DT) {
    std::fprintf(
        stderr,
        "WARNING: last step dt=%g differs from DT=%g. BioFVM 1.0.4's LOD solver builds its "
        "Thomas coefficients once, from the dt of the first call, and ignores dt afterwards, "
        "so the last step is really integrated with DT (simulated time %g, not %g). "
        "The error is still measured at T=%g.\n",
        last_dt, DT, steps * DT, T, T);
  }

  // ---- timed stepping loop ----
  double t = 0.0;
  auto t0 = std::chrono::steady_clock::now();
  for (long s = 0; s < steps; s++) {
    double dt = (T - t < DT) ? (T - t) : DT;
    M.simulate_diffusion_decay(dt);
    t += dt;
  }
  auto t1 = std::chrono::steady_clock::now();
  const double wall = std::chrono::duration<double>(t1 - t0).count();

  // ---- error vs exact solution at time T (not timed) ----
  std::vector<double> p = profiles(N, T);
  const double decay = std::exp(-lambda * T);
  double num = 0.0, den = 0.0, sum_u = 0.0, sum_e = 0.0;
  for (int k = 0; k < N; k++)
    for (int j = 0; j < N; j++)
      for (int i = 0; i < N; i++) {
        double u = M.density_vector(M.voxel_index(i, j, k))[0];
        double e = decay * p[i] * p[j] * p[k];
        num += (u - e) * (u - e);
        den += e * e;
        sum_u += u;
        sum_e += e;
      }
  const double rel = std::sqrt(num / den);

  std::fprintf(stderr, "diag: t_final=%.17g sum_u=%.17g sum_exact=%.17g\n", t, sum_u, sum_e);

  std::cout.rdbuf(cout_buf);
  std::printf("N=%d dt=%g steps=%ld wall_s=%.6f rel_l2_error=%.6e threads=%d\n", N, DT, steps, wall,
              rel, omp_get_max_threads());
  std::fflush(stdout);
  return 0;
}
