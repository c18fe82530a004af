namespace Atmos.Cache.Tests.Support;

/// <summary>A clock that moves one minute forward each time it is read, so creation order is unambiguous.</summary>
public sealed class SteppingTimeProvider : TimeProvider
{
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow()
    {
        lock (this)
        {
            _now = _now.AddMinutes(1);
            return _now;
        }
    }
}
