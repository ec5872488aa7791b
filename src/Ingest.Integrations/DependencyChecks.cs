using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ingest.Integrations;

/// <summary>
/// Registers a dependency's health check: an optional one (DynamoDB, Power BI) only degrades the app when it fails;
/// a required one (the capture store) makes it unavailable, since nothing can be accepted without it.
/// </summary>
public static class DependencyChecks
{
    public const string OptionalTag = "optional";

    /// <summary>Each check gets this long; a slower answer counts as a failure ("timeout").</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddDependencyCheck<T>(this IServiceCollection services, string name, bool optional)
        where T : class, IHealthCheck
        => services.AddDependencyCheck(name, optional, sp => ActivatorUtilities.GetServiceOrCreateInstance<T>(sp));

    public static IServiceCollection AddDependencyCheck(this IServiceCollection services, string name, bool optional, Func<IServiceProvider, IHealthCheck> check)
    {
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            name, check, optional ? HealthStatus.Degraded : HealthStatus.Unhealthy, optional ? [OptionalTag] : [], Timeout));
        return services;
    }
}

/// <summary>
/// A dependency's health check: the dependency answered, or it did not, said by the kind of failure only (an
/// exception's message may carry a URL, and the health service logs what a check reports).
/// </summary>
public abstract class DependencyProbe : IHealthCheck
{
    /// <exception cref="Exception">The dependency did not answer.</exception>
    protected abstract Task ProbeAsync(CancellationToken cancellationToken);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        try
        {
            await ProbeAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, e.GetType().Name);
        }
    }
}
