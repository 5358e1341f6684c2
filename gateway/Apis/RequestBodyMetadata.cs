using Microsoft.AspNetCore.Builder;

namespace L402Train.Gateway.Apis;

/// <summary>
/// The body a handler reads itself (size-limited, checked field by field, so the framework never binds it): what the
/// OpenAPI document describes as the operation's request body. Unlike <c>Accepts&lt;T&gt;</c> it adds no content-type
/// constraint to routing, so a wrong or missing content type still reaches the handler's own 4xx (and the id and
/// payment checks before it).
/// </summary>
/// <param name="Type">The body's record.</param>
/// <param name="ContentType">Its media type.</param>
internal sealed record RequestBodyMetadata(Type Type, string ContentType);

/// <summary>Declares <see cref="RequestBodyMetadata"/> on a route.</summary>
internal static class RequestBodyMetadataExtensions
{
    /// <summary>The route reads a <typeparamref name="T"/> body of <paramref name="contentType"/>.</summary>
    public static RouteHandlerBuilder WithRequestBody<T>(this RouteHandlerBuilder builder, string contentType = "application/json") =>
        builder.WithMetadata(new RequestBodyMetadata(typeof(T), contentType));
}
