using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrisisOps.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class JournalAppendOnly : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The journal is append-only: the database itself refuses to change or remove a row.
            migrationBuilder.Sql("""
                CREATE FUNCTION journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'the journal is append-only: rows cannot be %', lower(TG_OP);
                END;
                $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER journal_no_change BEFORE UPDATE OR DELETE ON journal
                FOR EACH ROW EXECUTE FUNCTION journal_append_only();
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER journal_no_truncate BEFORE TRUNCATE ON journal
                FOR EACH STATEMENT EXECUTE FUNCTION journal_append_only();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS journal_no_truncate ON journal;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS journal_no_change ON journal;");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS journal_append_only();");
        }
    }
}
