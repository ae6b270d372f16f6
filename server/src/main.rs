//! `server`: runs Mission Formateur, or an administration command.

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::process::ExitCode;

use app::auth::server::{check_new_password, hash_password};
use app::repo::accounts::create_user;
use app::auth::Role;
use app::domain::Email;
use app::infra::config::Config;
use clap::{Parser, Subcommand};
use leptos::config::get_configuration;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(name = "server", about = "Mission Formateur")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the site (the default).
    Serve,
    /// Create a staff account. The password is read from STAFF_PASSWORD, or asked for.
    CreateStaff {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Équipe")]
        first_name: String,
        #[arg(long, default_value = "Mission Formateur")]
        last_name: String,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Load the demo data (once) and print the demo logins.
    SeedDemo,
    /// Fill the database with realistic fake data at scale.
    Generate {
        #[arg(long, default_value_t = 100_000)]
        trainers: usize,
        #[arg(long, default_value_t = 500)]
        centres: usize,
        #[arg(long, default_value_t = 20_000)]
        missions: usize,
    },
    /// Measure the mission search, the daily broadcast and the best profiles on the current data.
    Bench {
        #[arg(long, default_value_t = 300)]
        searches: usize,
        #[arg(long, default_value_t = 5)]
        broadcasts: usize,
        /// Missions whose "Meilleurs profils" are computed.
        #[arg(long, default_value_t = 200)]
        profiles: usize,
    },
}

fn init_logs() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=error,tower_sessions=warn"));
    let json = std::env::var("LOG_FORMAT").is_ok_and(|v| v == "json");
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn read_password() -> Result<String, String> {
    if let Ok(pw) = std::env::var("STAFF_PASSWORD") {
        return Ok(pw);
    }
    if std::io::stdin().is_terminal() {
        rpassword::prompt_password("Mot de passe (12 caractères au moins) : ").map_err(|e| e.to_string())
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(|e| e.to_string())?;
        Ok(line.trim_end_matches(['\n', '\r']).to_string())
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    init_logs();
    let cli = Cli::parse();
    let config = Config::from_env();
    let conf = match get_configuration(None) {
        Ok(conf) => conf,
        Err(e) => {
            eprintln!("Configuration Leptos invalide : {e}");
            return ExitCode::FAILURE;
        }
    };
    let leptos_options = conf.leptos_options;
    let addr: SocketAddr = std::env::var("LISTEN_ADDR")
        .ok()
        .and_then(|a| a.parse().ok())
        .unwrap_or(leptos_options.site_addr);
    let state = match server::prepare(config.clone(), leptos_options).await {
        Ok(state) => state,
        Err(e) => {
            eprintln!("Démarrage impossible : {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            if config.demo_data {
                match server::demo::load_once(&state).await {
                    Ok(true) => tracing::info!("demo data loaded"),
                    Ok(false) => {}
                    Err(e) => tracing::error!(error = %e, "demo data not loaded"),
                }
            }
            let db = state.db.clone();
            let result = match server::router(state).await {
                Ok(app) => server::serve(app, addr).await.map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            db.close().await;
            result
        }
        Command::Migrate => Ok(()),
        Command::SeedDemo => match server::demo::load_once(&state).await {
            Ok(loaded) => {
                if !loaded {
                    println!("Les données de démonstration étaient déjà chargées.");
                }
                print!("{}", server::demo::describe_accounts());
                Ok(())
            }
            Err(e) => Err(e),
        },
        Command::Generate { trainers, centres, missions } => {
            println!("Génération : {trainers} formateurs, {centres} centres, {missions} missions…");
            server::scale::generate(&state, trainers, centres, missions).await
        }
        Command::Bench { searches, broadcasts, profiles } => server::scale::bench(&state, searches, broadcasts, profiles).await,
        Command::CreateStaff { email, first_name, last_name } => {
            create_staff(&state.db, &email, &first_name, &last_name).await
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Erreur : {e}");
            ExitCode::FAILURE
        }
    }
}

async fn create_staff(db: &app::infra::db::Db, email: &str, first: &str, last: &str) -> Result<(), String> {
    let email = Email::parse(email).map_err(|e| e.to_string())?;
    let password = read_password()?;
    check_new_password(&password, email.as_str()).map_err(|e| e.to_string())?;
    let hash = hash_password(password).await.map_err(|e| e.to_string())?;
    match create_user(db, &email, &hash, first, last, Role::Staff, true).await.map_err(|e| e.to_string())? {
        Some(id) => {
            println!("Compte équipe créé (n° {id}) : {email}");
            Ok(())
        }
        None => Err(format!("un compte existe déjà avec l'adresse {email}")),
    }
}
