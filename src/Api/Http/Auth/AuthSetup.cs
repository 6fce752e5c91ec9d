using System.Xml.Linq;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Http.Auth;

/// <summary>Bearer tokens (JWT, HS256) checked on every request, and the policies of <see cref="Policies"/>.</summary>
public static class AuthSetup
{
    /// <summary>Tolerated difference between the issuer's clock and ours for <c>exp</c> and <c>nbf</c>.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    public static WebApplicationBuilder AddWarrantyAuth(this WebApplicationBuilder builder)
    {
        // Checked now as well as on start: a service without a usable key fails before anything
        // (the co-hosted silo included) has started.
        if (Settings.Message(Settings.Bind<AuthOptions>(builder.Configuration).Problems(builder.Environment)) is { } problem)
        {
            throw new SettingsException(problem);
        }

        var services = builder.Services;
        services.AddSettings<AuthOptions>();
        services.AddSingleton(ResolveKey);

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        // AddAuthentication brings data protection, which nothing here uses (no cookies, no antiforgery)
        // but which creates a key ring at start: keep it in memory rather than in ~/.aspnet.
        services.Configure<KeyManagementOptions>(o =>
        {
            o.XmlRepository = new InMemoryKeyRing();
            o.XmlEncryptor = new NullXmlEncryptor();
        });
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<SigningKey, IOptions<AuthOptions>>((jwt, key, options) => Configure(jwt, key, options.Value))
            // Built at start rather than at the first request: the key is resolved (a development key file
            // created and announced) before the service listens.
            .ValidateOnStart();

        services.AddAuthorizationBuilder().AddWarrantyPolicies();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuthorizationProblems>();
        return builder;
    }

    private static SigningKey ResolveKey(IServiceProvider services)
    {
        var key = SigningKeys.Resolve(services.GetRequiredService<IOptions<AuthOptions>>().Value, services.GetRequiredService<IHostEnvironment>());
        if (key.DevelopmentFile is { } file)
        {
            services.GetRequiredService<ILoggerFactory>().CreateLogger("Warranty.Api.Auth").LogWarning(
                "Tokens are signed with the development key file {KeyFile}{Created}. Production must set Warranty:Auth:SigningKey " +
                "(environment variable {Variable}) to base64 of at least 32 random bytes.",
                file, key.Created ? " (created now)" : "", AuthOptions.SigningKeyEnvironmentVariable);
        }

        return key;
    }

    private static void Configure(JwtBearerOptions jwt, SigningKey key, AuthOptions options)
    {
        // Claims keep their JWT names (sub, role, line_id) instead of being renamed to WS-* URIs.
        jwt.MapInboundClaims = false;
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuer = options.Issuer,
            ValidateAudience = true,
            ValidAudience = options.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = ClockSkew,
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            IssuerSigningKey = new SymmetricSecurityKey(key.Bytes),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            NameClaimType = TokenClaims.Subject,
            RoleClaimType = TokenClaims.Role,
        };
        var cache = new CachingTokenHandler(TimeProvider.System, options.TokenCacheSize);
        jwt.TokenHandlers.Clear();
        jwt.TokenHandlers.Add(cache);
        jwt.Events = new JwtBearerEvents
        {
            // A token this process already admitted is answered before the handler's per-request setup.
            OnMessageReceived = context =>
            {
                var token = BearerToken(context.Request);
                if (token is null && Hosting.Dashboard.CookieToken(context.Request) is { } kept)
                {
                    // The dashboard's pages and calls carry the admin token in their cookie (Hosting/Dashboard.cs).
                    token = context.Token = kept;
                }

                if (token is not null && cache.Admitted(token, context.Options.TokenValidationParameters) is { } principal)
                {
                    context.Principal = principal;
                    context.Success();
                }

                return Task.CompletedTask;
            },
            OnTokenValidated = async context =>
            {
                await RequireSubject(context);
                if (context.Result is null && context.SecurityToken is JsonWebToken validated && context.Principal is { } principal)
                {
                    cache.Admit(validated.EncodedToken, principal);
                }
            },
        };
    }

    /// <summary>The token of an <c>Authorization: Bearer</c> header, read as the bearer handler reads it.</summary>
    private static string? BearerToken(HttpRequest request)
    {
        string? authorization = request.Headers.Authorization;
        return authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? authorization["Bearer ".Length..].Trim() is { Length: > 0 } token ? token : null
            : null;
    }

    /// <summary>The <c>sub</c> names the actor in history and scopes Idempotency-Keys: it must be there, short and printable.</summary>
    private static Task RequireSubject(TokenValidatedContext context)
    {
        var subject = context.Principal is { } principal ? TokenClaims.SubjectOf(principal) : null;
        if (string.IsNullOrWhiteSpace(subject) || subject.Length > TokenClaims.MaxSubjectLength || subject.Any(char.IsControl))
        {
            context.Fail($"The token's '{TokenClaims.Subject}' claim must be 1–{TokenClaims.MaxSubjectLength} printable characters.");
        }

        return Task.CompletedTask;
    }

    private sealed class InMemoryKeyRing : IXmlRepository
    {
        private readonly List<XElement> _elements = [];

        public IReadOnlyCollection<XElement> GetAllElements()
        {
            lock (_elements)
            {
                return [.. _elements];
            }
        }

        public void StoreElement(XElement element, string friendlyName)
        {
            lock (_elements)
            {
                _elements.Add(element);
            }
        }
    }
}
