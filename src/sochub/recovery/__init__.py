"""Asset recovery under the Proceeds of Crime Act: seizures, detention, notices, freezing orders and their deadlines."""
