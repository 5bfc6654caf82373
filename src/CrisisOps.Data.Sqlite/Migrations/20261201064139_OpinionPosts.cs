using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrisisOps.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class OpinionPosts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "Negative",
                table: "opinion_counts",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "opinion_posts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Source = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    SourceId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Author = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    PostedAt = table.Column<string>(type: "TEXT", nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 5000, nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    RegionCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RegionPath = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    Located = table.Column<bool>(type: "INTEGER", nullable: false),
                    Latitude = table.Column<double>(type: "REAL", nullable: true),
                    Longitude = table.Column<double>(type: "REAL", nullable: true),
                    Tone = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Score = table.Column<double>(type: "REAL", nullable: false),
                    Model = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Terms = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: false),
                    ReceivedAt = table.Column<string>(type: "TEXT", nullable: false),
                    ReceivedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RepostOf = table.Column<long>(type: "INTEGER", nullable: true),
                    GroupSize = table.Column<int>(type: "INTEGER", nullable: false),
                    TopicId = table.Column<Guid>(type: "TEXT", nullable: true),
                    AssignedAt = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_opinion_posts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "opinion_rumour_marks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PostId = table.Column<long>(type: "INTEGER", nullable: false),
                    TopicId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ReleaseNumber = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ClaimZh = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    ClaimEn = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    IsPublic = table.Column<bool>(type: "INTEGER", nullable: false),
                    RegionCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RegionPath = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    At = table.Column<string>(type: "TEXT", nullable: false),
                    By = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_opinion_rumour_marks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "opinion_topic_hours",
                columns: table => new
                {
                    TopicId = table.Column<Guid>(type: "TEXT", nullable: false),
                    HourStart = table.Column<string>(type: "TEXT", nullable: false),
                    Posts = table.Column<int>(type: "INTEGER", nullable: false),
                    Negative = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_opinion_topic_hours", x => new { x.TopicId, x.HourStart });
                });

            migrationBuilder.CreateTable(
                name: "opinion_topic_responses",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TopicId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Reference = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Text = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    NegativeShareBefore = table.Column<double>(type: "REAL", nullable: false),
                    PostsBefore = table.Column<int>(type: "INTEGER", nullable: false),
                    At = table.Column<string>(type: "TEXT", nullable: false),
                    By = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_opinion_topic_responses", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "opinion_topics",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Label = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    RegionCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RegionPath = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    FirstPostAt = table.Column<string>(type: "TEXT", nullable: false),
                    LastPostAt = table.Column<string>(type: "TEXT", nullable: false),
                    Posts = table.Column<int>(type: "INTEGER", nullable: false),
                    NegativePosts = table.Column<int>(type: "INTEGER", nullable: false),
                    VolumeHour = table.Column<int>(type: "INTEGER", nullable: false),
                    VolumeSixHours = table.Column<int>(type: "INTEGER", nullable: false),
                    Growth = table.Column<double>(type: "REAL", nullable: false),
                    NegativeShare = table.Column<double>(type: "REAL", nullable: false),
                    Representatives = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    MergedInto = table.Column<Guid>(type: "TEXT", nullable: true),
                    HotSince = table.Column<string>(type: "TEXT", nullable: true),
                    SpikeKind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    AnsweredAt = table.Column<string>(type: "TEXT", nullable: true),
                    EscalatedAt = table.Column<string>(type: "TEXT", nullable: true),
                    UpdatedAt = table.Column<string>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_opinion_topics", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_opinion_posts_AssignedAt",
                table: "opinion_posts",
                column: "AssignedAt");

            migrationBuilder.CreateIndex(
                name: "IX_opinion_posts_PostedAt",
                table: "opinion_posts",
                column: "PostedAt");

            migrationBuilder.CreateIndex(
                name: "IX_opinion_posts_Source_SourceId",
                table: "opinion_posts",
                columns: new[] { "Source", "SourceId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_opinion_posts_TopicId_PostedAt",
                table: "opinion_posts",
                columns: new[] { "TopicId", "PostedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_opinion_rumour_marks_IsPublic_At",
                table: "opinion_rumour_marks",
                columns: new[] { "IsPublic", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_opinion_rumour_marks_PostId",
                table: "opinion_rumour_marks",
                column: "PostId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_opinion_topic_responses_TopicId",
                table: "opinion_topic_responses",
                column: "TopicId");

            migrationBuilder.CreateIndex(
                name: "IX_opinion_topics_RegionPath",
                table: "opinion_topics",
                column: "RegionPath");

            migrationBuilder.CreateIndex(
                name: "IX_opinion_topics_Status_LastPostAt",
                table: "opinion_topics",
                columns: new[] { "Status", "LastPostAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "opinion_posts");

            migrationBuilder.DropTable(
                name: "opinion_rumour_marks");

            migrationBuilder.DropTable(
                name: "opinion_topic_hours");

            migrationBuilder.DropTable(
                name: "opinion_topic_responses");

            migrationBuilder.DropTable(
                name: "opinion_topics");

            migrationBuilder.DropColumn(
                name: "Negative",
                table: "opinion_counts");
        }
    }
}
