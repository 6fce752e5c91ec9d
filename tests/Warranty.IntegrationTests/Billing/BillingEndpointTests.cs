using System.Net;
using Warranty.Grains.Interfaces;
using Warranty.IntegrationTests.Api;
using Warranty.IntegrationTests.Infrastructure;

namespace Warranty.IntegrationTests.Billing;

/// <summary>The billing run's requests: a month that is not yyyy-MM is the contract's 400, naming the field.</summary>
public sealed class BillingEndpointTests(ApiFactory factory) : ApiTestBase(factory)
{
    [Theory]
    [InlineData("2026-13")]
    [InlineData("2026-6")]
    [InlineData("june")]
    public async Task A_month_that_is_not_yyyy_MM_is_400_naming_it(string month)
    {
        var response = await Admin.GetJsonAsync($"/v1/admin/billing/{month}");

        AssertProblem(response, HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest);
        Assert.NotNull(response.Body!["errors"]!["month"]);
    }
}

/// <summary>The memory store keeps no read model: the billing run and the projection's endpoints say so (409), never a 500.</summary>
[Collection(MemoryApiCollection.Name)]
public sealed class MemoryBillingEndpointTests(MemoryApiFactory factory)
{
    [Theory]
    [InlineData("GET", "/v1/admin/billing/2026-06")]
    [InlineData("GET", "/v1/admin/projections")]
    [InlineData("POST", "/v1/admin/projections/rebuild")]
    public async Task The_memory_store_answers_409_no_read_model(string method, string path)
    {
        var response = await factory.ClientFor("admin").SendAsync(new HttpMethod(method), path, method == "POST" ? new { } : null);

        Assert.Equal(HttpStatusCode.Conflict, response.Status);
        Assert.Equal(ErrorCodes.NoReadModel, response.Body.Code());
    }
}
