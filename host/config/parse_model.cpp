// The model section: model.name picks diffusion_decay or a registered model (host/model), whose
// parameters it reads; the species list then names that model's fields.
#include <fmt/format.h>

#include "host/model/model.hpp"
#include "parse_sections.hpp"

namespace lobule {

void parse_model(const ConfigNode& model, Config& c) {
  if (!model.defined()) return;
  model.expect_map();
  std::vector<std::string> names = {"diffusion_decay"};
  for (const auto& m : model_names()) names.push_back(m);
  const std::string name = model["name"].choice(names);
  auto impl = make_model(name);
  std::vector<std::string> keys = {"name", "parameters"};
  if (impl)
    for (const auto& k : impl->scenario_keys()) keys.push_back(k);
  model.expect_keys(keys);
  c.model = name;
  if (!impl) {
    if (model.has("parameters"))
      model["parameters"].fail(
          "diffusion_decay takes no parameters: each species sets its own decay and source");
    return;
  }
  impl->parse_parameters(model["parameters"]);
  impl->parse_scenario(model, c);
  c.model_impl = std::move(impl);
}

// A model that defines its own species (the liver model) takes no species list; any other
// model's fields are the scenario's species.
void parse_model_species(const ConfigNode& list, Config& c) {
  const auto own = c.model_impl ? c.model_impl->species() : std::vector<SpeciesConfig>{};
  if (own.empty()) {
    parse_species(list, c);
    check_model_species(list, c);
    return;
  }
  if (list.defined())
    list.fail(fmt::format(
        "model {} defines its fields itself; set their diffusivities, half-lives and blood "
        "levels under model.parameters and model.blood instead of a species list",
        c.model));
  c.species = own;
}

// A coupled model's fields are the species, in the model's order: local fields with no
// diffusivity, the reactions the model's own.
void check_model_species(const ConfigNode& list, Config& c) {
  if (!c.model_impl) return;
  const auto fields = c.model_impl->fields();
  std::string names;
  for (const auto& f : fields) names += (names.empty() ? "" : ", ") + f.name;
  if (c.species.size() != fields.size())
    list.fail(fmt::format("model {} has the fields {} ({}); the species list has {}", c.model,
                          names, fields.size(), c.species.size()));
  for (std::size_t q = 0; q < fields.size(); ++q) {
    const SpeciesConfig& s = c.species[q];
    const ConfigNode node = list.at(q);
    if (s.name != fields[q].name)
      node["name"].fail(
          fmt::format("model {} expects its fields in the order {}; species {} is "
                      "'{}', not '{}'",
                      c.model, names, q, s.name, fields[q].name));
    if (!fields[q].diffuses && (s.diffusivity != 0 || !s.driver.fields.empty()))
      node["diffusivity"].fail(
          fmt::format("'{}' is a local field of model {}: it does not diffuse", s.name, c.model));
    if (fields[q].diffuses && !(s.diffusivity > 0))
      node["diffusivity"].fail(fmt::format(
          "'{}' diffuses in model {}: give it a positive diffusivity", s.name, c.model));
    for (const char* key : {"decay", "half_life", "source"})
      if (node.has(key))
        node[key].fail(
            fmt::format("model {} sets the reactions of '{}'; {} applies to "
                        "diffusion_decay only",
                        c.model, s.name, key));
  }
}

}  // namespace lobule
