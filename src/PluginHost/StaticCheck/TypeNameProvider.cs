using System.Collections.Immutable;
using System.Reflection.Metadata;

namespace NetnsPolicy.PluginHost.StaticCheck;

/// <summary>Decodes signatures into the full names of the types they mention (generic instantiations: the generic type).</summary>
internal sealed class TypeNameProvider : ISignatureTypeProvider<string, object?>
{
    public static TypeNameProvider Instance { get; } = new();

    public string GetPrimitiveType(PrimitiveTypeCode typeCode) => "System." + typeCode;

    public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) =>
        MetadataNames.TypeDefinition(reader, handle);

    public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) =>
        MetadataNames.TypeReference(reader, handle);

    public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
        reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

    public string GetSZArrayType(string elementType) => elementType;

    public string GetArrayType(string elementType, ArrayShape shape) => elementType;

    public string GetByReferenceType(string elementType) => elementType;

    public string GetPointerType(string elementType) => elementType;

    public string GetPinnedType(string elementType) => elementType;

    public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => genericType;

    public string GetGenericMethodParameter(object? genericContext, int index) => "!!" + index;

    public string GetGenericTypeParameter(object? genericContext, int index) => "!" + index;

    public string GetFunctionPointerType(MethodSignature<string> signature) => "method*";

    public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
}
