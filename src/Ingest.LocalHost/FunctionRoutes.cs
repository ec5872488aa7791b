using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.Azure.Functions.Worker;

namespace Ingest.LocalHost;

/// <summary>
/// Maps the Functions app's HTTP functions onto this ASP.NET Core app, from their own <c>[Function]</c> and
/// <c>[HttpTrigger]</c> attributes, so the routes here cannot drift from the deployed ones.
/// </summary>
public static class FunctionRoutes
{
    public const string RoutePrefix = "api";

    public sealed record HttpFunction(string Name, string Route, string[] Methods, MethodInfo Method);

    public static IReadOnlyList<HttpFunction> Discover(Assembly assembly)
    {
        var functions = new List<HttpFunction>();
        foreach (var method in assembly.GetTypes().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance)))
        {
            var function = method.GetCustomAttribute<FunctionAttribute>();
            var trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null);
            if (function is null || trigger is null)
            {
                continue;
            }

            var methods = (trigger.Methods ?? ["get", "post"]).Select(m => m.ToUpperInvariant()).ToArray();
            functions.Add(new HttpFunction(function.Name, $"{RoutePrefix}/{trigger.Route ?? function.Name}", methods, method));
        }

        return functions;
    }

    public static IEndpointRouteBuilder MapHttpFunctions(this IEndpointRouteBuilder endpoints, Assembly assembly)
    {
        foreach (var function in Discover(assembly))
        {
            var invoke = BuildInvoker(function.Method);
            endpoints.MapMethods(function.Route, function.Methods, invoke).WithName(function.Name);
        }

        return endpoints;
    }

    private static RequestDelegate BuildInvoker(MethodInfo method)
    {
        var parameters = method.GetParameters();
        foreach (var parameter in parameters)
        {
            if (parameter.ParameterType != typeof(HttpRequest) && parameter.ParameterType != typeof(CancellationToken) && parameter.ParameterType != typeof(string))
            {
                throw new NotSupportedException($"{method.DeclaringType!.Name}.{method.Name}: the local host cannot bind parameter '{parameter.Name}' of type {parameter.ParameterType.Name}.");
            }
        }

        return async context =>
        {
            var target = ActivatorUtilities.CreateInstance(context.RequestServices, method.DeclaringType!);
            var arguments = parameters.Select(p => Bind(p, context)).ToArray();
            var returned = method.Invoke(target, arguments);
            var result = returned switch
            {
                Task<IActionResult> pending => await pending,
                IActionResult done => done,
                _ => throw new NotSupportedException($"{method.Name} must return IActionResult or Task<IActionResult>."),
            };
            await result.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
        };
    }

    private static object? Bind(ParameterInfo parameter, HttpContext context) => parameter.ParameterType switch
    {
        var t when t == typeof(HttpRequest) => context.Request,
        var t when t == typeof(CancellationToken) => context.RequestAborted,
        _ => context.GetRouteValue(parameter.Name!)?.ToString(),
    };
}
