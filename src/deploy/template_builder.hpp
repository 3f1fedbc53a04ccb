#pragma once
// Assembles a CloudFormation template: resources, outputs, parameters, and the
// intrinsic functions (Ref, Fn::GetAtt, Fn::Sub) as JSON.
#include <string>
#include <string_view>
#include <vector>

#include "deploy/json_tree.hpp"

namespace strata::deploy {

JsonTree cfn_ref(std::string_view logical_id);
JsonTree cfn_get_att(std::string_view logical_id, std::string_view attribute);
JsonTree cfn_sub(std::string_view text);

// "GetPosts" from "get_posts", "PostsId" from "posts-id": letters and digits only,
// each word capitalized, as CloudFormation's logical ids need.
std::string pascal_case(std::string_view text);

class TemplateBuilder {
 public:
  explicit TemplateBuilder(std::string description);

  // Adds a resource; throws std::logic_error when the id is taken (a naming bug).
  // The reference returned is valid until the next add_resource.
  JsonTree& add_resource(const std::string& logical_id, std::string_view type, JsonTree properties,
                         std::vector<std::string> depends_on = {});
  bool has_resource(std::string_view logical_id) const;
  // A String parameter; `secret` hides its value in the console and in describe calls.
  void add_parameter(const std::string& name, std::string_view description, bool secret = false);
  void add_output(const std::string& name, std::string_view description, JsonTree value);

  JsonTree document() const;

 private:
  std::string description_;
  JsonTree parameters_ = JsonTree::object();
  JsonTree resources_ = JsonTree::object();
  JsonTree outputs_ = JsonTree::object();
};

}  // namespace strata::deploy
