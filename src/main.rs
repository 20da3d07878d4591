fn main() -> std::process::ExitCode {
    gpec::cli::run()
}
