using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Warranty.Grains.Interfaces;

namespace Warranty.Api.Http;

/// <summary>
/// Reads a request before its handler runs: the route's line id, TAC or IMEI, then the body or the query's record
/// (<see cref="RequestInput{TCommand}"/>), in the handler's parameter order, into one <see cref="RequestReader"/>, and
/// answers the contract's 400 when anything was refused (API.md: one 400 names every bad field; else a malformed IMEI,
/// else a future timestamp). A handler thus starts from checked values: the route's strings as they came, and its
/// input's <see cref="RequestInput{TCommand}.Command"/>.
/// </summary>
/// <remarks>
/// Route values are known by their parameter names, which are the route's: <c>lineId</c>, <c>tac</c>, <c>imei</c>
/// (a claim id is not checked here: an unknown one is the line's 404). An endpoint with nothing to read gets no filter.
/// The coverage lookup, the hot path, takes none either: it reads its two values itself, without the filter's steps.
/// </remarks>
public static class RequestFilter
{
    /// <summary>Reads every request of <paramref name="builder"/>'s endpoints before their handlers run.</summary>
    public static TBuilder ReadRequests<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory(Create);

    /// <summary>Reads one of the handler's arguments.</summary>
    private delegate void Step(RequestReader reader, IList<object?> arguments);

    private static EndpointFilterDelegate Create(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var json = context.ApplicationServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var steps = context.MethodInfo.GetParameters().Select(p => StepOf(p, json)).OfType<Step>().ToArray();
        if (steps.Length == 0)
        {
            return next;
        }

        var time = context.ApplicationServices.GetRequiredKeyedService<TimeProvider>(RulesClock.Key);
        return invocation =>
        {
            var reader = new RequestReader(time);
            foreach (var step in steps)
            {
                step(reader, invocation.Arguments);
            }

            return reader.Failed ? ValueTask.FromResult<object?>(Problems.From(reader.Problem())) : next(invocation);
        };
    }

    private static Step? StepOf(ParameterInfo parameter, JsonSerializerOptions json)
    {
        var position = parameter.Position;
        if (parameter.ParameterType == typeof(string))
        {
            return parameter.Name switch
            {
                "lineId" => (reader, arguments) => reader.LineId("lineId", (string?)arguments[position]),
                "tac" => (reader, arguments) => reader.Tac("tac", (string?)arguments[position]),
                "imei" => (reader, arguments) => reader.Imei("imei", (string)arguments[position]!),
                _ => null,
            };
        }

        if (parameter.ParameterType.IsAssignableTo(typeof(RequestInput)))
        {
            var type = parameter.ParameterType;
            // An omitted optional body (a claim step's) reads as an empty object: each field as missing.
            return (reader, arguments) => ((RequestInput)(arguments[position] ??= JsonSerializer.Deserialize("{}", type, json)!)).ReadInto(reader);
        }

        return null;
    }
}
