/// The scenario's enumerated choices, apart from the YAML they are read from (config.hpp), so
/// that the engine and the model layer name them without pulling in yaml-cpp.
#pragma once

namespace lobule {

enum class Precision { Float, Double };
enum class BackendChoice { Auto, Cpu, Cuda };
/// Time integration: forward Euler (reference), or balanced Strang splitting with the diffusion
/// part integrated by Runge–Kutta–Legendre super time stepping (`lod` in a file selects rkl2) or
/// implicitly (TR-BDF2 with multigrid solves).
enum class Scheme { Explicit, Rkl2, Implicit };

const char* to_string(Precision p);
const char* to_string(BackendChoice b);
const char* to_string(Scheme s);

}  // namespace lobule
