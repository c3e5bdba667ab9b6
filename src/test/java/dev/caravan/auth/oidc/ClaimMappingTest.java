package dev.caravan.auth.oidc;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Claims to a project and a user, for the claim shapes identity providers send; and telling a JWT from a key. */
class ClaimMappingTest {

    private static ClaimMapping mapping(String projectClaim, List<OidcProperties.ProjectMapping> projects,
                                        String userClaim) {
        return ClaimMapping.of(new OidcProperties.Issuer("idp", "https://idp.example.com", "", List.of("caravan"),
                null, projectClaim, projects, userClaim, null, null, null));
    }

    @Test
    void maps_a_claim_value_to_its_configured_project_and_refuses_unmapped_values() throws Exception {
        ClaimMapping byAzp = mapping("azp", List.of(new OidcProperties.ProjectMapping("billing-app", "prj_1")), "sub");

        assertThat(byAzp.project(Map.of("azp", "billing-app"))).isEqualTo("prj_1");
        assertThatThrownBy(() -> byAzp.project(Map.of("azp", "other-app"))).hasMessageContaining("maps to no project");
        assertThatThrownBy(() -> byAzp.project(Map.of("sub", "x"))).hasMessageContaining("has no 'azp' claim");
    }

    @Test
    void a_group_list_maps_through_its_one_mapped_group_and_two_projects_are_refused() throws Exception {
        ClaimMapping byGroup = mapping("groups", List.of(new OidcProperties.ProjectMapping("team-a", "A"),
                new OidcProperties.ProjectMapping("team-b", "B")), "");

        assertThat(byGroup.project(Map.of("groups", List.of("everyone", "team-a")))).isEqualTo("A");
        assertThatThrownBy(() -> byGroup.project(Map.of("groups", List.of("team-a", "team-b"))))
                .hasMessageContaining("more than one project");
        assertThat(byGroup.user(Map.of("sub", "alice"))).as("no user claim configured").isNull();
    }

    @Test
    void reads_kubernetes_claims_whose_names_contain_dots_through_slash_paths() throws Exception {
        ClaimMapping kubernetes = mapping("kubernetes.io/namespace", List.of(), "kubernetes.io/serviceaccount/name");
        Map<String, Object> claims = Map.of("sub", "system:serviceaccount:reports:writer", "kubernetes.io",
                Map.of("namespace", "reports", "serviceaccount", Map.of("name", "writer", "uid", "u-1")));

        assertThat(kubernetes.project(claims)).as("no table: the value names the project").isEqualTo("reports");
        assertThat(kubernetes.user(claims)).isEqualTo("writer");
    }

    @Test
    void a_user_name_is_cut_to_what_usage_records_hold() {
        ClaimMapping mapping = mapping("azp", List.of(), "email");

        assertThat(mapping.user(Map.of("email", "x".repeat(500)))).hasSize(ClaimMapping.MAX_USER_LENGTH);
    }

    @Test
    void tells_a_jwt_from_gateway_keys_and_junk_by_shape_alone() {
        assertThat(JwtShape.looksLikeJwt("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl")).isTrue();
        assertThat(JwtShape.looksLikeJwt("cvn_0123456789abcdefghijABCDEFGHIJ0123456789abc")).isFalse();
        assertThat(JwtShape.looksLikeJwt("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")).as("unsigned").isFalse();
        assertThat(JwtShape.looksLikeJwt("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0")).as("two segments").isFalse();
        assertThat(JwtShape.looksLikeJwt("eyJh.b.c.d.e")).as("an encrypted JWT's five segments").isFalse();
        assertThat(JwtShape.looksLikeJwt("eyJh..c")).isFalse();
        assertThat(JwtShape.looksLikeJwt("eyJh.b+/.c")).as("base64, not base64url").isFalse();
    }

    @Test
    void refuses_symmetric_and_unsigned_algorithms_at_start() {
        assertThatThrownBy(() -> new OidcProperties.Issuer("idp", "https://idp.example.com", "", List.of("caravan"),
                List.of("RS256", "HS256"), "azp", List.of(), "sub", null, null, null)).hasMessageContaining("HS256");
        assertThatThrownBy(() -> new OidcProperties.Issuer("idp", "https://idp.example.com", "", List.of("caravan"),
                List.of("none"), "azp", List.of(), "sub", null, null, null)).hasMessageContaining("none");
    }
}
