using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using NetnsPolicy.Sdk;

namespace NetnsPolicy.PluginHost.Manifest;

/// <summary>Parses and validates <c>plugin.json</c>; every problem is reported with the field it concerns.</summary>
public static partial class PluginManifestReader
{
    /// <summary>The manifest's file name inside a plugin folder.</summary>
    public const string FileName = "plugin.json";

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Parses manifest text. Throws <see cref="PluginLoadException"/> listing every invalid field.</summary>
    public static PluginManifest Parse(string json)
    {
        Dto? dto;
        try
        {
            dto = JsonSerializer.Deserialize<Dto>(json, Options);
        }
        catch (JsonException e)
        {
            var reason = e.Message;
            var cut = reason.IndexOf(" Path:", StringComparison.Ordinal);
            throw new PluginLoadException($"{FileName} is malformed at {e.Path ?? "$"}: {(cut > 0 ? reason[..cut] : reason)}");
        }

        if (dto is null)
        {
            throw new PluginLoadException($"{FileName} is empty (null)");
        }

        var errors = new List<string>();
        var id = RequireId(dto.Id, "id", errors);
        var version = RequireVersion(dto.Version, "version", errors);
        var sdk = RequireVersion(dto.SdkVersion, "sdk_version", errors);
        var assembly = dto.Assembly ?? "";
        if (assembly.Length == 0 || assembly.IndexOfAny(['/', '\\']) >= 0 || !assembly.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("assembly: required, the entry assembly's file name inside the plugin folder (e.g. My.Policy.dll)");
        }

        var policies = new List<ManifestPolicy>();
        if (dto.Policies is null || dto.Policies.Count == 0)
        {
            errors.Add("policies: required, at least one { id, entry_type, overrides }");
        }
        else
        {
            for (var i = 0; i < dto.Policies.Count; i++)
            {
                var p = dto.Policies[i];
                var at = string.Create(CultureInfo.InvariantCulture, $"policies[{i}]");
                var pid = RequireId(p.Id, at + ".id", errors);
                if (string.IsNullOrWhiteSpace(p.EntryType))
                {
                    errors.Add($"{at}.entry_type: required, the full name of a type implementing NetnsPolicy.Sdk.ICleanupPolicy");
                }

                var overrides = DecisionPoint.None;
                foreach (var name in p.Overrides ?? [])
                {
                    if (!DecisionPoints.TryParse(name, out var point))
                    {
                        errors.Add($"{at}.overrides: unknown decision point '{name}' (known: {string.Join(", ", DecisionPoints.All.Select(DecisionPoints.Name))})");
                    }
                    else if ((overrides & point) != 0)
                    {
                        errors.Add($"{at}.overrides: '{name}' is listed twice");
                    }

                    overrides |= point;
                }

                if (policies.Any(q => q.Id == pid))
                {
                    errors.Add($"{at}.id: '{pid}' is declared twice in this manifest");
                }

                policies.Add(new ManifestPolicy(pid, p.EntryType ?? "", overrides));
            }
        }

        if (errors.Count > 0)
        {
            throw new PluginLoadException($"{FileName} is invalid: {string.Join("; ", errors)}");
        }

        return new PluginManifest(id, version!, sdk!, assembly, policies);
    }

    private static string RequireId(string? value, string field, List<string> errors)
    {
        if (value is null || !IdPattern().IsMatch(value))
        {
            errors.Add($"{field}: required, kebab-case ([a-z0-9] words joined by '-'), got {(value is null ? "nothing" : $"'{value}'")}");
            return value ?? "";
        }

        return value;
    }

    private static Version? RequireVersion(string? value, string field, List<string> errors)
    {
        if (Version.TryParse(value, out var v) && value!.Contains('.', StringComparison.Ordinal))
        {
            return v;
        }

        errors.Add($"{field}: required, a version such as 1.0.0, got {(value is null ? "nothing" : $"'{value}'")}");
        return null;
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    private sealed class Dto
    {
        public string? Id { get; set; }
        public string? Version { get; set; }
        public string? SdkVersion { get; set; }
        public string? Description { get; set; }
        public string? Assembly { get; set; }
        public List<PolicyDto>? Policies { get; set; }
    }

    private sealed class PolicyDto
    {
        public string? Id { get; set; }
        public string? EntryType { get; set; }
        public List<string>? Overrides { get; set; }
    }
}
