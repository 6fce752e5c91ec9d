using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;
using Warranty.Api.Http;

namespace Warranty.IntegrationTests.Processes;

/// <summary>
/// What the front door answers when a grain call fails because a silo died or the cluster is changing: 503
/// problem+json <c>unavailable</c> with Retry-After, never 500 (the crash tests see these under real kills).
/// </summary>
public sealed class ClusterFailureAnswerTests
{
    public static TheoryData<string> Failures() =>
    [
        nameof(SiloUnavailableException),
        nameof(OrleansMessageRejectionException),
        nameof(TimeoutException),
        nameof(Orleans.Runtime.Messaging.ConnectionFailedException),
        nameof(GatewayTooBusyException),
        nameof(Orleans.Storage.InconsistentStateException),
    ];

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_grain_call_lost_to_a_dead_or_moving_silo_is_a_503_unavailable_with_Retry_After(string failure)
    {
        Exception exception = failure switch
        {
            nameof(SiloUnavailableException) => new SiloUnavailableException("silo S127.0.0.1:11111:1 is dead"),
            // Orleans makes this one itself only (no public constructor).
            nameof(OrleansMessageRejectionException) => (Exception)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(typeof(OrleansMessageRejectionException)),
            nameof(TimeoutException) => new TimeoutException("Response did not arrive on time in 00:00:10"),
            nameof(Orleans.Runtime.Messaging.ConnectionFailedException) => new Orleans.Runtime.Messaging.ConnectionFailedException("Unable to connect"),
            nameof(GatewayTooBusyException) => new GatewayTooBusyException(),
            _ => new Orleans.Storage.InconsistentStateException("Version conflict", "1", "2"),
        };
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        var handler = new ClientErrorHandler(services.GetRequiredService<IProblemDetailsService>(), NullLogger<ClientErrorHandler>.Instance);

        Assert.True(await handler.TryHandleAsync(context, exception, CancellationToken.None));

        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("5", context.Response.Headers.RetryAfter.ToString());
        Assert.StartsWith("application/problem+json", context.Response.ContentType);
        context.Response.Body.Position = 0;
        var body = JsonNode.Parse(await new StreamReader(context.Response.Body).ReadToEndAsync())!;
        Assert.Equal("unavailable", body["code"]!.GetValue<string>());
        Assert.Equal(503, body["status"]!.GetValue<int>());
    }
}
