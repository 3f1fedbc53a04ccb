#include "deploy/template_builder.hpp"

#include <cctype>
#include <stdexcept>

namespace strata::deploy {

JsonTree cfn_ref(std::string_view logical_id) { return JsonTree::object({{"Ref", logical_id}}); }

JsonTree cfn_get_att(std::string_view logical_id, std::string_view attribute) {
  return JsonTree::object({{"Fn::GetAtt", JsonTree::array({logical_id, attribute})}});
}

JsonTree cfn_sub(std::string_view text) { return JsonTree::object({{"Fn::Sub", text}}); }

std::string pascal_case(std::string_view text) {
  std::string id;
  bool start_of_word = true;
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      start_of_word = true;
      continue;
    }
    id += start_of_word ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    start_of_word = false;
  }
  return id;
}

TemplateBuilder::TemplateBuilder(std::string description) : description_(std::move(description)) {}

JsonTree TemplateBuilder::document() const {
  JsonTree document = JsonTree::object({{"AWSTemplateFormatVersion", "2010-09-09"}, {"Description", description_}});
  if (!parameters_.empty()) document.set("Parameters", parameters_);
  document.set("Resources", resources_);
  if (!outputs_.empty()) document.set("Outputs", outputs_);
  return document;
}

JsonTree& TemplateBuilder::add_resource(const std::string& logical_id, std::string_view type, JsonTree properties,
                                        std::vector<std::string> depends_on) {
  if (has_resource(logical_id)) throw std::logic_error("two resources named " + logical_id);
  JsonTree resource = JsonTree::object({{"Type", type}});
  if (!depends_on.empty()) {
    JsonTree list = JsonTree::array();
    for (auto& id : depends_on) list.push(std::move(id));
    resource.set("DependsOn", std::move(list));
  }
  resource.set("Properties", std::move(properties));
  return resources_.set(logical_id, std::move(resource));
}

bool TemplateBuilder::has_resource(std::string_view logical_id) const { return resources_.find(logical_id); }

void TemplateBuilder::add_parameter(const std::string& name, std::string_view description, bool secret) {
  JsonTree parameter = JsonTree::object({{"Type", "String"}, {"Description", description}});
  if (secret) parameter.set("NoEcho", true);
  parameters_.set(name, std::move(parameter));
}

void TemplateBuilder::add_output(const std::string& name, std::string_view description, JsonTree value) {
  outputs_.set(name, JsonTree::object({{"Description", description}, {"Value", std::move(value)}}));
}

}  // namespace strata::deploy
