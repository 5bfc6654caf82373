using System.Linq.Expressions;

namespace CrisisOps.Server.Platform;

public static class QueryScopes
{
    private static readonly System.Reflection.MethodInfo StartsWith =
        typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string)])!;

    /// <summary>
    /// Keeps rows whose region path lies under one of <paramref name="scopes"/> (a caller's
    /// jurisdictions): <c>path LIKE 'scope1%' OR path LIKE 'scope2%'</c>. No scopes, no rows.
    /// </summary>
    public static IQueryable<T> WhereUnder<T>(this IQueryable<T> query, Expression<Func<T, string?>> path, IReadOnlyList<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(scopes);
        if (scopes.Count == 0)
        {
            return query.Where(_ => false);
        }

        if (scopes.Contains(Domain.Regions.RegionPath.Separator))
        {
            return query;
        }

        Expression? body = null;
        foreach (var scope in scopes)
        {
            var test = Expression.AndAlso(
                Expression.NotEqual(path.Body, Expression.Constant(null, typeof(string))),
                Expression.Call(path.Body, StartsWith, Expression.Constant(scope)));
            body = body is null ? test : Expression.OrElse(body, test);
        }

        return query.Where(Expression.Lambda<Func<T, bool>>(body!, path.Parameters));
    }
}
