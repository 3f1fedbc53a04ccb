// API Gateway's answers to refused requests, from the one table that holds them.
#include "auth/denial.hpp"

#include <gtest/gtest.h>

namespace strata::auth {
namespace {

TEST(DenialAnswer, RestApiKeysAre403Forbidden) {
  for (Denial denial : {Denial::kNoApiKey, Denial::kBadApiKey}) {
    DenialAnswer answer = denial_answer(denial, ApiFlavor::kRest);
    EXPECT_EQ(answer.status, 403u);
    EXPECT_EQ(answer.message, "Forbidden");
    EXPECT_EQ(answer.www_authenticate, "");
  }
}

TEST(DenialAnswer, RestTokensAre401Unauthorized) {
  for (Denial denial : {Denial::kNoToken, Denial::kBadToken}) {
    DenialAnswer answer = denial_answer(denial, ApiFlavor::kRest, "the token has expired");
    EXPECT_EQ(answer.status, 401u);
    EXPECT_EQ(answer.message, "Unauthorized");
    EXPECT_EQ(answer.www_authenticate, "");
  }
}

TEST(DenialAnswer, HttpApiRefusedTokensSayWhyInWwwAuthenticate) {
  DenialAnswer answer = denial_answer(Denial::kBadToken, ApiFlavor::kHttp, "the \"aud\" is wrong");
  EXPECT_EQ(answer.status, 401u);
  EXPECT_EQ(answer.message, "Unauthorized");
  EXPECT_EQ(answer.www_authenticate,
            "Bearer scope=\"\" error=\"invalid_token\" error_description=\"the 'aud' is wrong\"");
  EXPECT_EQ(denial_answer(Denial::kNoToken, ApiFlavor::kHttp).www_authenticate, "");
}

}  // namespace
}  // namespace strata::auth
