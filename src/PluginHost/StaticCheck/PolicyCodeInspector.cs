using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace NetnsPolicy.PluginHost.StaticCheck;

/// <summary>
/// Finds forbidden references (<see cref="ForbiddenApis"/>) in an assembly by reading its metadata and IL, without
/// loading or running it. Every external member an assembly calls goes through its MemberRef table and every external
/// type through its TypeRef table, so scanning both tables is complete; the IL walk only names the method that uses
/// each one. P/Invoke declarations, finalizers and function-pointer calls (<c>calli</c>) are refused outright. Early
/// feedback for honest mistakes, not a security boundary: an IL scan of a Turing-complete language cannot be one.
/// Untrusted plugins are confined by the sandbox (<see cref="Isolation.SandboxedWorkers"/>), checked or not.
/// </summary>
public static class PolicyCodeInspector
{
    private const int UserStringTable = 0x70;
    private const int StandAloneSignatureTable = 0x11;

    /// <summary>Inspects the assembly at <paramref name="path"/>. Throws <see cref="BadImageFormatException"/> if it is not one.</summary>
    public static IReadOnlyList<StaticCheckFinding> Inspect(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata)
        {
            throw new BadImageFormatException($"{Path.GetFileName(path)} has no .NET metadata", path);
        }

        var reader = pe.GetMetadataReader();
        var file = Path.GetFileName(path);
        var usedIn = FirstUses(reader, pe);
        var findings = new List<StaticCheckFinding>();
        var judgedByMember = new HashSet<string>(StringComparer.Ordinal);

        foreach (var handle in reader.MemberReferences)
        {
            var member = reader.GetMemberReference(handle);
            var type = ParentType(reader, member.Parent);
            judgedByMember.Add(type);
            var name = reader.GetString(member.Name);
            var parameters = member.GetKind() == MemberReferenceKind.Method
                ? member.DecodeMethodSignature(TypeNameProvider.Instance, null).ParameterTypes.Length
                : 0;
            if (ForbiddenApis.ForMember(type, name, parameters) is { } why)
            {
                findings.Add(new StaticCheckFinding(file, $"{type}.{name}", why, usedIn.GetValueOrDefault(handle)));
            }
        }

        foreach (var handle in reader.TypeReferences)
        {
            var type = MetadataNames.TypeReference(reader, handle);
            // A type whose members are referenced was judged member by member above (some members are allowed);
            // one referenced only in signatures, base types or typeof is judged here.
            if (!judgedByMember.Contains(type) && ForbiddenApis.ForType(type) is { } why)
            {
                findings.Add(new StaticCheckFinding(file, type, why, usedIn.GetValueOrDefault(handle)));
            }
        }

        foreach (var handle in reader.MethodDefinitions)
        {
            var method = reader.GetMethodDefinition(handle);
            if ((method.Attributes & MethodAttributes.PinvokeImpl) != 0)
            {
                findings.Add(new StaticCheckFinding(file, "extern " + MethodName(reader, handle), "native code (P/Invoke)", null));
            }

            if (reader.GetString(method.Name) == "Finalize" && (method.Attributes & MethodAttributes.Virtual) != 0
                && method.DecodeSignature(TypeNameProvider.Instance, null).ParameterTypes.Length == 0)
            {
                findings.Add(new StaticCheckFinding(file, MethodName(reader, handle), "a finalizer (runs on the GC's thread, outside any decision)", null));
            }

            if (method.RelativeVirtualAddress != 0
                && IlTokens.Read(pe.GetMethodBody(method.RelativeVirtualAddress).GetILReader()).Any(t => (t >>> 24) == StandAloneSignatureTable))
            {
                findings.Add(new StaticCheckFinding(file, MethodName(reader, handle), "function pointers (calli)", MethodName(reader, handle)));
            }
        }

        return findings;
    }

    private static string ParentType(MetadataReader reader, EntityHandle parent) => parent.Kind switch
    {
        HandleKind.MethodDefinition => MetadataNames.TypeDefinition(reader, reader.GetMethodDefinition((MethodDefinitionHandle)parent).GetDeclaringType()),
        HandleKind.ModuleReference => "<module>",
        _ => MetadataNames.Type(reader, parent),
    };

    // For each referenced member or type, the first plugin method whose IL names it (directly or through a MethodSpec).
    private static Dictionary<EntityHandle, string> FirstUses(MetadataReader reader, PEReader pe)
    {
        var uses = new Dictionary<EntityHandle, string>();
        foreach (var handle in reader.MethodDefinitions)
        {
            var method = reader.GetMethodDefinition(handle);
            if (method.RelativeVirtualAddress == 0)
            {
                continue;
            }

            var body = pe.GetMethodBody(method.RelativeVirtualAddress);
            string? name = null;
            foreach (var token in IlTokens.Read(body.GetILReader()))
            {
                // ldstr names a user string, not a metadata entity.
                if ((token >>> 24) == UserStringTable)
                {
                    continue;
                }

                var entity = MetadataTokens.EntityHandle(token);
                if (entity.Kind == HandleKind.MethodSpecification)
                {
                    entity = reader.GetMethodSpecification((MethodSpecificationHandle)entity).Method;
                }

                if (entity.Kind == HandleKind.MemberReference && !uses.ContainsKey(entity))
                {
                    uses[entity] = name ??= MethodName(reader, handle);
                    var parent = reader.GetMemberReference((MemberReferenceHandle)entity).Parent;
                    if (parent.Kind == HandleKind.TypeReference)
                    {
                        uses.TryAdd(parent, name);
                    }
                }
                else if (entity.Kind == HandleKind.TypeReference && !uses.ContainsKey(entity))
                {
                    uses[entity] = name ??= MethodName(reader, handle);
                }
            }
        }

        return uses;
    }

    private static string MethodName(MetadataReader reader, MethodDefinitionHandle handle)
    {
        var method = reader.GetMethodDefinition(handle);
        return MetadataNames.TypeDefinition(reader, method.GetDeclaringType()) + "." + reader.GetString(method.Name);
    }
}
