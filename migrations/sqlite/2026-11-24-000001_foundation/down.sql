DROP TABLE settings;
DROP TABLE user_roles;
DROP TABLE users;
DROP TABLE organisations;
