using System.Net.Http.Headers;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Warranty.IntegrationTests.Infrastructure;

/// <summary>
/// Bearer tokens for tests, made with the JWT library directly (not with the service's own issuer), so
/// the tests check that the service accepts standard HS256 tokens of the documented shape.
/// </summary>
public static class TestTokens
{
    /// <summary>The signing key of every service the tests start (base64 of 32 random bytes).</summary>
    public const string SigningKey = "huOSCwI9/n00EWvhcOz5/WJxStWN149LT9e9J6TfbOQ=";

    public const string Issuer = "warranty";
    public const string Audience = "warranty-api";

    /// <summary>The <c>sub</c> of <see cref="Create"/>'s tokens: <c>test-operator</c>, <c>test-subscriber-L-1</c> …</summary>
    public static string Subject(string role, string? lineId = null) => lineId is null ? $"test-{role}" : $"test-subscriber-{lineId}";

    /// <summary>A token of <paramref name="role"/> (and, for a subscriber, <paramref name="lineId"/>) valid for an hour unless told otherwise.</summary>
    public static string Create(
        string role,
        string? lineId = null,
        string? subject = null,
        DateTimeOffset? notBefore = null,
        DateTimeOffset? expires = null,
        string signingKey = SigningKey,
        string issuer = Issuer,
        string audience = Audience)
    {
        var now = DateTimeOffset.UtcNow;
        var from = notBefore ?? now.AddMinutes(-1);
        var claims = new Dictionary<string, object> { ["sub"] = subject ?? Subject(role, lineId), ["role"] = role };
        if (lineId is not null)
        {
            claims["line_id"] = lineId;
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = from.UtcDateTime,
            NotBefore = from.UtcDateTime,
            Expires = (expires ?? now.AddHours(1)).UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Convert.FromBase64String(signingKey)), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>Makes <paramref name="client"/> send a token of <paramref name="role"/> with every request.</summary>
    public static HttpClient As(this HttpClient client, string role, string? lineId = null)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Create(role, lineId));
        return client;
    }
}
