namespace Warranty.Api.Http;

/// <summary>
/// What a request brings besides its route values (its body, or the record of its query), as a record that reads
/// itself. ASP.NET Core binds it loosely (every field nullable, so that one 400 can name every bad field);
/// <see cref="ReadInto"/> then turns its fields into values, reporting every problem to a <see cref="RequestReader"/>.
/// Handlers do not call it: <see cref="RequestFilter"/> does, before the handler runs.
/// </summary>
public abstract record RequestInput
{
    /// <summary>Reads every field into <paramref name="reader"/>, which collects the problems.</summary>
    internal abstract void ReadInto(RequestReader reader);
}

/// <summary>
/// A request input that reads itself into <typeparamref name="TCommand"/>: what its handler sends to the grain (a
/// command, and usually the body's <c>at</c>). Which fields are required is declared on the record's properties
/// (<c>[Required]</c>, see <see cref="RequestFields"/>); <see cref="Read"/> says how each is read.
/// </summary>
public abstract record RequestInput<TCommand> : RequestInput
{
    /// <summary>What the input read into: the handler's input, once <see cref="RequestFilter"/> has read the request.</summary>
    internal TCommand Command { get; private set; } = default!;

    /// <summary>Reads the input; false when it, or anything read before it into <paramref name="reader"/>, was refused.</summary>
    internal bool TryRead(RequestReader reader)
    {
        ReadInto(reader);
        return !reader.Failed;
    }

    internal sealed override void ReadInto(RequestReader reader) => Command = Read(new FieldReader(reader, RequestFields.Of(GetType())));

    /// <summary>Reads the fields in the order the contract reports their errors (API.md: one 400 names every bad field).</summary>
    protected abstract TCommand Read(FieldReader read);
}
