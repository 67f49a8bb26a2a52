//! `playground-cli`'s commands as plain functions: arguments in, output or an error out.
