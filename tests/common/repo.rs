//! Temporary git repositories for end-to-end tests: built with the `git` CLI (fixed identity,
//! no user or system configuration), and the binary run in them as CI and pre-commit run it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// A repository in a temporary directory.
pub struct Repo {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

impl Repo {
    /// A repository on `main` with one commit holding `files`.
    pub fn new(files: &[(&str, &str)]) -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap().join("repo");
        std::fs::create_dir(&root).unwrap();
        let repo = Repo { _dir: dir, root };
        repo.git(&["init", "--quiet", "--initial-branch", "main"]);
        repo.commit("base", files);
        repo
    }

    /// An initialised repository on `main` with no commit.
    pub fn empty() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let repo = Repo { _dir: dir, root };
        repo.git(&["init", "--quiet", "--initial-branch", "main"]);
        repo
    }

    /// Clones this repository (`file://`, so that `--depth` applies) beside it.
    pub fn clone(&self, name: &str, args: &[&str]) -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap().join(name);
        let url = format!("file://{}", self.root.display());
        let mut command = vec!["clone", "--quiet"];
        command.extend(args);
        command.extend([url.as_str(), root.to_str().unwrap()]);
        git_in(dir.path(), &command);
        Repo { _dir: dir, root }
    }

    pub fn git(&self, args: &[&str]) -> String {
        git_in(&self.root, args)
    }

    pub fn write(&self, name: &str, text: &str) {
        let path = self.root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Writes `files` and commits everything.
    pub fn commit(&self, message: &str, files: &[(&str, &str)]) {
        for (name, text) in files {
            self.write(name, text);
        }
        self.git(&["add", "--all"]);
        self.git(&["commit", "--quiet", "--allow-empty", "--message", message]);
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, &[])
    }

    pub fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        self.run_from(".", args, env)
    }

    /// Runs the binary in a directory of the repository.
    pub fn run_from(&self, dir: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_gitops-lint"));
        command
            .args(args)
            .current_dir(self.root.join(dir))
            .env_remove("GITHUB_ACTIONS")
            .env_remove("GITHUB_BASE_REF")
            .env_remove("GITHUB_STEP_SUMMARY")
            .env_remove("NO_COLOR")
            .envs(env.iter().copied());
        command.output().expect("run gitops-lint")
    }

    pub fn json(&self, args: &[&str]) -> Value {
        self.json_with(args, &[])
    }

    pub fn json_with(&self, args: &[&str], env: &[(&str, &str)]) -> Value {
        let mut all = vec!["--format", "json"];
        all.extend(args);
        let out = self.run_with(&all, env);
        assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
        serde_json::from_slice(&out.stdout).expect("JSON on stdout")
    }
}

/// Git with a fixed identity and no user or system configuration.
pub fn git_command(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .args([
            "-c",
            "user.name=gitops-lint tests",
            "-c",
            "user.email=tests@gitops-lint.invalid",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "protocol.file.allow=always",
        ])
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null");
    command
}

/// Runs git (`git_command`) and returns its stdout; a failure fails the test.
pub fn git_in(dir: &Path, args: &[&str]) -> String {
    let out = git_command(dir)
        .args(args)
        .output()
        .expect("git is installed");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
