using System.Text.RegularExpressions;
using NetnsPolicy.Simulation;

namespace NetnsPolicy.PluginHost.Composition;

/// <summary>
/// A parsed policy spec: one id (<c>batching</c>) or a stack joined by <c>+</c> (<c>uevent-skip+rcu-overlap+batching</c>).
/// A member prefixed with <c>!</c> wins every decision point it shares with another member (<c>rwsem+!adaptive</c>).
/// Whitespace around members is ignored; the canonical form has none.
/// </summary>
public sealed partial record PolicySpec(IReadOnlyList<PolicySpecMember> Members)
{
    /// <summary>The canonical text: members in the given order, winners marked.</summary>
    public string Canonical => string.Join("+", Members.Select(m => (m.Winner ? "!" : "") + m.Id));

    /// <summary>Whether the spec names more than one policy.</summary>
    public bool IsStack => Members.Count > 1;

    /// <summary>Parses <paramref name="text"/>; a syntax error throws <see cref="InputValidationException"/> on field <c>policy</c>.</summary>
    public static PolicySpec Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new InputValidationException("policy", "no policy given (an id such as 'batching', or a stack such as 'uevent-skip+batching')");
        }

        var members = new List<PolicySpecMember>();
        foreach (var raw in text.Split('+'))
        {
            var part = raw.Trim();
            var winner = part.StartsWith('!');
            var id = winner ? part[1..].Trim() : part;
            if (!IdPattern().IsMatch(id))
            {
                throw new InputValidationException("policy", id.Length == 0
                    ? $"'{text}' has an empty member: join policy ids with '+', mark a conflict's winner with '!' (e.g. 'uevent-skip+!batching')"
                    : $"'{id}' in '{text}' is not a policy id (kebab-case: lower-case letters, digits and '-')");
            }

            if (members.Any(m => m.Id == id))
            {
                throw new InputValidationException("policy", $"'{id}' appears twice in '{text}'");
            }

            members.Add(new PolicySpecMember(id, winner));
        }

        return new PolicySpec(members);
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}

/// <summary>One member of a <see cref="PolicySpec"/>.</summary>
/// <param name="Id">The policy id.</param>
/// <param name="Winner">Marked with <c>!</c>: wins the decision points it shares with other members.</param>
public sealed record PolicySpecMember(string Id, bool Winner);
