"""`mkdocs_site`: builds a static MkDocs site into a folder (a tree artifact).

    mkdocs_site(
        name = "site",
        config = "//:mkdocs.yml",
        srcs = glob(["**/*.md"]) + ["//:README.md"],
        libs = ["//sonnet"],
    )

`bazel build //docs:site` leaves the site in bazel-bin/docs/site/. The build
runs `mkdocs build --strict` (docs/build_site.py) with the Python that
./configure chose, so MkDocs and mkdocstrings must be installed there
(docs/requirements.txt). Nothing is fetched from the network.
"""

def _mkdocs_site_impl(ctx):
    out = ctx.actions.declare_directory(ctx.attr.name)
    lib_sources = [
        lib[PyInfo].transitive_sources
        for lib in ctx.attr.libs
    ]
    inputs = depset(
        [ctx.file.config] + ctx.files.srcs,
        transitive = lib_sources,
    )
    args = ctx.actions.args()
    args.add("--config", ctx.file.config)
    args.add("--site_dir", out.path)
    ctx.actions.run(
        executable = ctx.executable._builder,
        arguments = [args],
        inputs = inputs,
        outputs = [out],
        mnemonic = "MkDocs",
        progress_message = "Building the documentation site %s" % out.short_path,
        # PATH and PYTHON_BIN_PATH as ./configure set them (.bazelrc.local).
        use_default_shell_env = True,
    )
    return [DefaultInfo(
        files = depset([out]),
        runfiles = ctx.runfiles(files = [out]),
    )]

mkdocs_site = rule(
    implementation = _mkdocs_site_impl,
    doc = "A static MkDocs site, built offline into a folder.",
    attrs = {
        "config": attr.label(
            allow_single_file = [".yml", ".yaml"],
            mandatory = True,
            doc = "mkdocs.yml; its docs_dir, hooks and handler paths are " +
                  "relative to the workspace root, where the action runs.",
        ),
        "srcs": attr.label_list(
            allow_files = True,
            doc = "Pages, pictures, stylesheets and hooks the site reads.",
        ),
        "libs": attr.label_list(
            providers = [PyInfo],
            doc = "Python libraries whose sources the API reference reads.",
        ),
        "_builder": attr.label(
            default = ":build_site",
            executable = True,
            cfg = "exec",
        ),
    },
)
