using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Warranty.Grains.Interfaces;

/// <summary>
/// A settings class: public properties with their defaults, bound from one configuration section (<see cref="Section"/>),
/// and the rules its values must follow (<see cref="Problems"/>). Binding only copies values; what a setting implies on
/// disk or on the network (the SQLite file's folder, a free port) is done by an explicit start-up step, never by the binder.
/// See <see cref="Settings"/> for how every such class is registered and read.
/// </summary>
public interface ISettings
{
    /// <summary>
    /// The section bound onto the class (e.g. <c>Warranty:Cluster</c>). Empty binds the configuration's root: a class whose
    /// keys are not under one section names each key in full with <see cref="ConfigurationKeyNameAttribute"/>.
    /// </summary>
    static abstract string Section { get; }

    /// <summary>What is wrong with the values, each message naming its setting; empty when they are usable.</summary>
    IEnumerable<string> Problems();
}

/// <summary>
/// The one way settings are read. Every <see cref="ISettings"/> class is registered with <see cref="AddSettings{T}"/>:
/// <code>services.AddOptions&lt;T&gt;().BindConfiguration(T.Section).Validate(s =&gt; s.Problems()).ValidateOnStart()</code>
/// and consumed as <c>IOptions&lt;T&gt;</c>: a broken rule fails the start with its message, before any hosted service (the
/// silo included) runs. Where a value must be known while a builder runs, before the container exists (which storage
/// provider and clustering a silo gets, whether the dashboard or tracing is added), <see cref="Read{T}"/> binds the same
/// section onto the same class and applies the same rules, throwing <see cref="SettingsException"/> with the same message.
/// Hosts turn either failure into one line and exit code 1 (<see cref="FailureOf"/>).
/// </summary>
public static class Settings
{
    /// <summary>
    /// Registers <typeparamref name="T"/> bound from <c>T.Section</c>, checked by its <see cref="ISettings.Problems"/> at start.
    /// Once per container: a second call (a co-hosted silo and its front door both need the class) adds nothing.
    /// </summary>
    public static OptionsBuilder<T> AddSettings<T>(this IServiceCollection services) where T : class, ISettings, new()
    {
        if (services.Any(d => d.ServiceType == typeof(IValidateOptions<T>) && d.ImplementationInstance is ProblemsValidator<T>))
        {
            return new OptionsBuilder<T>(services, Options.DefaultName);
        }

        return services.AddOptions<T>().BindConfiguration(T.Section).Validate(settings => settings.Problems()).ValidateOnStart();
    }

    /// <summary>
    /// Like <c>Validate(predicate, message)</c>, with the messages coming from the values: each one names the broken
    /// setting and what it holds. They fail the options as one message, the same text <see cref="Read{T}"/> throws.
    /// </summary>
    public static OptionsBuilder<T> Validate<T>(this OptionsBuilder<T> builder, Func<T, IEnumerable<string>> problems) where T : class
    {
        builder.Services.AddSingleton<IValidateOptions<T>>(new ProblemsValidator<T>(builder.Name, problems));
        return builder;
    }

    /// <summary><typeparamref name="T"/> as bound from <paramref name="configuration"/>, defaults where nothing is set; not checked.</summary>
    public static T Bind<T>(IConfiguration configuration) where T : class, ISettings, new()
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return (T.Section.Length == 0 ? configuration : configuration.GetSection(T.Section)).Get<T>() ?? new T();
    }

    /// <summary><see cref="Bind{T}"/>, checked: throws <see cref="SettingsException"/> with the problems' message.</summary>
    public static T Read<T>(IConfiguration configuration) where T : class, ISettings, new()
    {
        var settings = Bind<T>(configuration);
        return Message(settings.Problems()) is { } message ? throw new SettingsException(message) : settings;
    }

    /// <summary>
    /// The message of a settings failure: a <see cref="SettingsException"/> (read while building) or the options'
    /// validation at start (<see cref="OptionsValidationException"/>, several of them in an <see cref="AggregateException"/>);
    /// null for any other exception, which is not the operator's to fix by a setting.
    /// </summary>
    public static string? FailureOf(Exception exception) => exception switch
    {
        SettingsException settings => settings.Message,
        OptionsValidationException validation => string.Join(" ", validation.Failures),
        AggregateException { InnerExceptions.Count: > 0 } all when all.InnerExceptions.All(e => FailureOf(e) is not null) =>
            string.Join(" ", all.InnerExceptions.Select(e => FailureOf(e))),
        _ => null,
    };

    /// <summary>The problems as one message (null when there are none).</summary>
    public static string? Message(IEnumerable<string> problems) => string.Join(" ", problems) is { Length: > 0 } message ? message : null;

    private sealed class ProblemsValidator<T>(string? name, Func<T, IEnumerable<string>> problems) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? optionsName, T options) =>
            name is not null && name != optionsName ? ValidateOptionsResult.Skip
            : Message(problems(options)) is { } message ? ValidateOptionsResult.Fail(message)
            : ValidateOptionsResult.Success;
    }
}

/// <summary>A setting's value is not usable; the message names the setting and what it holds.</summary>
public sealed class SettingsException(string message) : InvalidOperationException(message);
