/// Parsers of the config's sections (internal to host/config).
#pragma once
#include "config.hpp"
#include "config_node.hpp"

namespace lobule {

/// Parses every top-level section of `top` into c and checks the cross-section rules.
void parse_top_level(const ConfigNode& top, Config& c);

/// The geometry section (parse_geometry.cpp); sets c.cells, and c.spacing for an image.
void parse_geometry(const ConfigNode& top, Config& c);
/// Whether the geometry is an imported image (whose spacing makes `grid` optional).
bool geometry_from_file(const ConfigNode& top);
/// The geometry section of the resolved config.
YAML::Node geometry_yaml(const Config& c);

/// model: { name, parameters }: diffusion_decay or a registered model (host/model).
void parse_model(const ConfigNode& model, Config& c);
void parse_species(const ConfigNode& list, Config& c);
/// A coupled model's species are its fields, in order, with its kind of each.
void check_model_species(const ConfigNode& list, Config& c);
/// The species: the model's own (the liver model), or the scenario's list checked against the
/// model's fields.
void parse_model_species(const ConfigNode& list, Config& c);
void parse_boundaries(const ConfigNode& node, Config& c);
void parse_time(const ConfigNode& node, Config& c);
void parse_output(const ConfigNode& node, Config& c);

}  // namespace lobule
