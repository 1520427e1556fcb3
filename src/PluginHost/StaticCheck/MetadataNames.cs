using System.Reflection.Metadata;

namespace NetnsPolicy.PluginHost.StaticCheck;

/// <summary>Full names of metadata types (<c>Namespace.Outer+Inner</c>).</summary>
internal static class MetadataNames
{
    public static string TypeReference(MetadataReader reader, TypeReferenceHandle handle)
    {
        var type = reader.GetTypeReference(handle);
        var name = reader.GetString(type.Name);
        if (type.ResolutionScope.Kind == HandleKind.TypeReference)
        {
            return TypeReference(reader, (TypeReferenceHandle)type.ResolutionScope) + "+" + name;
        }

        var ns = reader.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    public static string TypeDefinition(MetadataReader reader, TypeDefinitionHandle handle)
    {
        var type = reader.GetTypeDefinition(handle);
        var name = reader.GetString(type.Name);
        var declaring = type.GetDeclaringType();
        if (!declaring.IsNil)
        {
            return TypeDefinition(reader, declaring) + "+" + name;
        }

        var ns = reader.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    /// <summary>The full name of the type a TypeDef, TypeRef or TypeSpec handle denotes.</summary>
    public static string Type(MetadataReader reader, EntityHandle handle) => handle.Kind switch
    {
        HandleKind.TypeReference => TypeReference(reader, (TypeReferenceHandle)handle),
        HandleKind.TypeDefinition => TypeDefinition(reader, (TypeDefinitionHandle)handle),
        HandleKind.TypeSpecification => reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(TypeNameProvider.Instance, null),
        _ => "?",
    };
}
