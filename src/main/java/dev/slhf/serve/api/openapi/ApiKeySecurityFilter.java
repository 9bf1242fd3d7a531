package dev.slhf.serve.api.openapi;

import dev.slhf.serve.app.ApiKeys;
import io.quarkus.arc.Arc;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.List;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;

/**
 * The security requirement follows the running server, not the build: with API keys configured
 * every operation requires the bearer scheme (except the paths in slhf.public-paths); without,
 * the document says a key is optional ({@code security: [{}, {bearerAuth: []}]}), which is what
 * the server does: it ignores one. The scheme itself is always declared ({@link ApiDocumentFilter}).
 */
@OpenApiFilter(OpenApiFilter.RunStage.RUNTIME_STARTUP)
public class ApiKeySecurityFilter implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        ApiKeys keys = Arc.container().instance(ApiKeys.class).get();
        if (!keys.enabled()) {
            openAPI.security(List.of(OASFactory.createSecurityRequirement(),
                    OASFactory.createSecurityRequirement().addScheme(ApiDocumentFilter.BEARER)));
            return;
        }
        openAPI.security(List.of(OASFactory.createSecurityRequirement().addScheme(ApiDocumentFilter.BEARER)));
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (keys.isPublic(path)) {
                item.getOperations().values().forEach(op -> op.security(List.of(OASFactory.createSecurityRequirement())));
            }
        });
    }
}
