namespace NetnsPolicy.Sdk;

/// <summary>The type of a declared policy parameter.</summary>
public enum ParameterKind
{
    /// <summary>A whole number within [<see cref="ParameterSpec.Min"/>, <see cref="ParameterSpec.Max"/>].</summary>
    Integer,

    /// <summary>A real number within [<see cref="ParameterSpec.Min"/>, <see cref="ParameterSpec.Max"/>].</summary>
    Real,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,
}
