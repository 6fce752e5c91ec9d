using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Http.Auth;

/// <summary>
/// The bearer scheme in the OpenAPI document: <c>components.securitySchemes.Bearer</c>, a security
/// requirement and the admitted roles on every operation that needs a token, and the role matrix in
/// the document's description. The reference page offers to paste a token for it.
/// </summary>
public static class BearerOpenApi
{
    public const string SchemeName = "Bearer";

    public static OpenApiOptions AddBearerSecurity(this OpenApiOptions options) => options
        .AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A JWT (HS256) with `sub`, `role` (`admin`, `operator`, `network`, `subscriber`) and, for a subscriber, " +
                    "`line_id`. In development: `dotnet run --project src/Api -- dev-token ROLE [LINEID]`.",
            };
            document.Info.Description += "\n\n" + RoleMatrix;
            return Task.CompletedTask;
        })
        .AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAllowAnonymous>().Any())
            {
                return Task.CompletedTask;
            }

            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [] }];
            var method = context.Description.HttpMethod ?? "GET";
            var roles = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Select(p => Policies.Describe(p, method)).ToList();
            if (roles.Count > 0)
            {
                var access = $"**Roles:** {string.Join("; ", roles)}.";
                operation.Description = string.IsNullOrEmpty(operation.Description) ? access : $"{operation.Description}\n\n{access}";
            }

            return Task.CompletedTask;
        });

    private const string RoleMatrix =
        "**Authentication.** Every operation needs `Authorization: Bearer <token>` except health, this document and the " +
        $"reference page: no or an invalid token is 401 `{ErrorCodes.Unauthorized}`, a role that may not do it 403 `{ErrorCodes.Forbidden}`.\n\n" +
        "| role | may |\n|---|---|\n" +
        "| admin | everything |\n" +
        "| operator | lines, devices, claims, charges, history, reception; reads of the catalogue and stock |\n" +
        "| network | `POST /v1/lines/{lineId}/usage` |\n" +
        "| subscriber | its own line (`line_id`): read it, its history, claims, charges and reception; register its device; " +
        $"terminate its option; read the device its line covers and its coverage. Another line is 403; another device is 404 `{ErrorCodes.DeviceNotFound}`. |";
}
