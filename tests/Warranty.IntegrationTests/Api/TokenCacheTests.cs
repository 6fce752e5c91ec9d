using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using Warranty.Api.Http.Auth;

namespace Warranty.IntegrationTests.Api;

/// <summary>Issue 9: each distinct token is validated once and remembered until it expires; never past a key change.</summary>
public sealed class TokenCacheTests
{
    private static readonly AuthOptions Options = new();

    private static (byte[] Key, TokenValidationParameters Parameters) KeyAndParameters()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        return (key, Parameters(key));
    }

    private static TokenValidationParameters Parameters(byte[] key) => new()
    {
        ValidIssuer = Options.Issuer,
        ValidAudience = Options.Audience,
        IssuerSigningKey = new SymmetricSecurityKey(key),
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = AuthSetup.ClockSkew,
        RequireExpirationTime = true,
    };

    private static string Token(byte[] key, string subject = "s-1", string role = "operator", TimeSpan? lifetime = null) =>
        Tokens.Create(new SigningKey(key, null, false), Options, subject, role, null, DateTimeOffset.UtcNow, lifetime ?? TimeSpan.FromHours(1));

    [Fact]
    public async Task A_valid_token_is_validated_once_and_its_identity_carries_the_rate_limit_key()
    {
        var (key, parameters) = KeyAndParameters();
        var cache = new CachingTokenHandler(TimeProvider.System, 10);
        var token = Token(key);

        var first = await cache.ValidateTokenAsync(token, parameters);
        var second = await cache.ValidateTokenAsync(token, parameters);

        Assert.True(first.IsValid);
        Assert.Same(first, second);
        var identity = Assert.IsType<PrincipalIdentity>(first.ClaimsIdentity);
        Assert.Equal("operator:s-1", identity.RateLimitKey);
        Assert.Equal("operator", identity.Role);
    }

    [Fact]
    public async Task A_cached_token_fails_at_once_under_another_signing_key()
    {
        var (key, parameters) = KeyAndParameters();
        var cache = new CachingTokenHandler(TimeProvider.System, 10);
        var token = Token(key);
        Assert.True((await cache.ValidateTokenAsync(token, parameters)).IsValid);

        var rotated = Parameters(RandomNumberGenerator.GetBytes(32));

        Assert.False((await cache.ValidateTokenAsync(token, rotated)).IsValid);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task An_entry_is_not_used_after_the_token_expires()
    {
        var (key, parameters) = KeyAndParameters();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var cache = new CachingTokenHandler(clock, 10);
        var token = Token(key, lifetime: TimeSpan.FromMinutes(5));
        var first = await cache.ValidateTokenAsync(token, parameters);

        Assert.Same(first, await cache.ValidateTokenAsync(token, parameters));
        clock.Advance(TimeSpan.FromMinutes(5) + AuthSetup.ClockSkew + TimeSpan.FromSeconds(1));

        Assert.NotSame(first, await cache.ValidateTokenAsync(token, parameters));
    }

    [Fact]
    public async Task Invalid_tokens_are_not_remembered_and_the_cache_stays_within_its_capacity()
    {
        var (key, parameters) = KeyAndParameters();
        var cache = new CachingTokenHandler(TimeProvider.System, 3);

        Assert.False((await cache.ValidateTokenAsync(Token(RandomNumberGenerator.GetBytes(32)), parameters)).IsValid);
        Assert.False((await cache.ValidateTokenAsync("not.a.token", parameters)).IsValid);
        Assert.Equal(0, cache.Count);

        for (var i = 0; i < 10; i++)
        {
            Assert.True((await cache.ValidateTokenAsync(Token(key, $"s-{i}"), parameters)).IsValid);
            Assert.InRange(cache.Count, 1, 3);
        }
    }

    [Fact]
    public async Task A_token_is_answered_from_the_cache_only_once_admitted_and_only_under_the_same_key()
    {
        var (key, parameters) = KeyAndParameters();
        var cache = new CachingTokenHandler(TimeProvider.System, 10);
        var token = Token(key);
        var result = await cache.ValidateTokenAsync(token, parameters);
        Assert.Null(cache.Admitted(token, parameters));

        var principal = new System.Security.Claims.ClaimsPrincipal(result.ClaimsIdentity);
        cache.Admit(token, principal);

        Assert.Same(principal, cache.Admitted(token, parameters));
        Assert.Null(cache.Admitted(token, Parameters(RandomNumberGenerator.GetBytes(32))));
        Assert.Null(cache.Admitted(Token(key, "someone-else"), parameters));
    }
}
