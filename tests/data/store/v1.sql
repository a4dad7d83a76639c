-- A store as vroeg wrote it at schema version 1 (before runs kept their
-- policy): 24 signals and 3 outcomes of examples/city, 2024-06 run with
-- crisis-queue.vroeg and replaced by letter-for-all.vroeg, 2024-05 run with
-- crisis-queue.vroeg. Made by `sqlite3 v1.db .dump`; the two PRAGMAs that
-- .dump leaves out are added at the end.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE imports (
  id        INTEGER PRIMARY KEY,
  kind      TEXT NOT NULL CHECK (kind IN ('signals', 'outcomes')),
  name      TEXT NOT NULL,
  imported  TEXT NOT NULL,
  added     INTEGER NOT NULL DEFAULT 0,
  identical INTEGER NOT NULL DEFAULT 0
);
INSERT INTO imports VALUES(1,'signals','s.csv','2026-12-07T06:44:10Z',24,0);
INSERT INTO imports VALUES(2,'outcomes','o.csv','2026-12-07T06:44:10Z',3,0);
CREATE TABLE signals (
  household           TEXT NOT NULL,
  received            TEXT NOT NULL,
  signal_id           TEXT NOT NULL,
  person              TEXT,
  creditor            TEXT NOT NULL,
  sector              TEXT NOT NULL,
  kind                TEXT NOT NULL,
  arrears             INTEGER NOT NULL CHECK (arrears >= 0),
  installment         INTEGER CHECK (installment >= 0),
  installments_missed INTEGER CHECK (installments_missed >= 0),
  days_overdue        INTEGER CHECK (days_overdue >= 0),
  legal_form          TEXT NOT NULL,
  birth_date          TEXT,
  district            TEXT NOT NULL,
  has_phone           INTEGER NOT NULL CHECK (has_phone IN (0, 1)),
  has_email           INTEGER NOT NULL CHECK (has_email IN (0, 1)),
  brp_match           INTEGER CHECK (brp_match IN (0, 1)),
  known_debt_help     INTEGER NOT NULL CHECK (known_debt_help IN (0, 1)),
  import_id           INTEGER NOT NULL,
  line                INTEGER NOT NULL,
  PRIMARY KEY (household, received, signal_id)
) WITHOUT ROWID;
INSERT INTO signals VALUES('H000193','2024-05-23','S0005161','H000193-2','Essent','energy','early',21711,21711,1,50,'natural','1988-03-16','Oosterheem',1,0,1,0,1,13);
INSERT INTO signals VALUES('H000411','2024-06-10','S0005701','H000411-2','PWN','water','early',4349,3023,1,30,'natural','1968-09-27','Centrum',0,1,1,0,1,22);
INSERT INTO signals VALUES('H000417','2024-06-12','S0005821',NULL,'Haag Wonen','rent','early',50000,66949,3,NULL,'natural','1997-10-08','Noordhove',1,0,1,0,1,24);
INSERT INTO signals VALUES('H000547','2024-05-17','S0004981','H000547-1','Dunea','water','early',7744,2694,2,NULL,'natural','1972-06-13','Rokkeveen',1,1,1,0,1,10);
INSERT INTO signals VALUES('H000915','2024-05-20','S0005041',NULL,'Zilveren Kruis','health','early',9983,13792,2,NULL,'natural','1988-09-16','Rokkeveen',1,1,1,0,1,11);
INSERT INTO signals VALUES('H001260','2024-06-03','S0005401',NULL,'Staedion','rent','early',197043,65681,3,NULL,'natural','2003-07-01','Meerzicht',1,0,1,0,1,17);
INSERT INTO signals VALUES('H001292','2024-05-28','S0005281',NULL,'Brabant Water','water','early',8425,1596,4,141,'natural',NULL,'Oosterheem',1,0,1,0,1,15);
INSERT INTO signals VALUES('H001433','2024-06-13','S0005881','H001433-1','Menzis','health','early',43182,14394,3,102,'natural','1993-03-28','Centrum',0,0,1,0,1,25);
INSERT INTO signals VALUES('H001438','2024-05-22','S0005101','H001438-2','De Goede Woning','rent','early',54867,54867,1,56,'natural','1967-08-19','Seghwaert',1,0,1,0,1,12);
INSERT INTO signals VALUES('H001675','2024-06-07','S0005641',NULL,'De Goede Woning','rent','early',209160,69720,3,101,'natural','1983-06-18','Stadshart',0,0,1,0,1,21);
INSERT INTO signals VALUES('H001850','2024-05-30','S0005341',NULL,'Vitens','water','early',10586,2085,5,167,'natural','1981-03-20','Buytenwegh-Één',0,0,1,0,1,16);
INSERT INTO signals VALUES('H001866','2024-05-14','S0004861',NULL,'Ymere','rent','early',97368,48684,2,68,'natural','1938-03-08','Oosterheem',0,0,NULL,0,1,8);
INSERT INTO signals VALUES('H002125','2024-06-06','S0005581',NULL,'CZ','health','early',69908,11812,6,196,'natural','1968-03-03','Centrum',0,1,1,0,1,20);
INSERT INTO signals VALUES('H002277','2024-05-27','S0005221',NULL,'VGZ','health','early',29850,NULL,NULL,111,'natural','1986-12-25','Seghwaert',0,0,1,0,1,14);
INSERT INTO signals VALUES('H002595','2024-05-02','S0004561',NULL,'KPN','other','early',20423,2972,2,64,'natural','1995-11-25','Seghwaert',1,0,1,0,1,3);
INSERT INTO signals VALUES('H002916','2024-06-05','S0005521',NULL,'CAK','health','cak',138391,12581,11,358,'natural','1971-11-16','Oosterheem',1,1,NULL,0,1,19);
INSERT INTO signals VALUES('H1014','2024-06-11','S0005761','H1014-1','Vitens','water','early',9273,3752,2,70,'natural','1964-09-08','Noordhove',0,1,1,0,1,23);
INSERT INTO signals VALUES('H1895','2024-05-03','S0004621','H1895-1','CZ','health','early',97986,16331,6,NULL,'natural','2000-03-29','''t Oude Dorp',1,1,1,0,1,4);
INSERT INTO signals VALUES('H2239','2024-05-15','S0004921',NULL,'De Goede Woning','rent','early',142452,71226,2,85,'natural','1960-05-05','''t Oude Dorp',0,1,1,0,1,9);
INSERT INTO signals VALUES('H2373','2024-06-04','S0005461',NULL,'Zilveren Kruis','health','early',30092,NULL,NULL,117,'natural',NULL,'Oosterheem',0,1,1,0,1,18);
INSERT INTO signals VALUES('H2420','2024-05-10','S0004801',NULL,'Vitens','water','early',3394,1801,1,58,'natural','1992-10-27','Lansinghage',0,1,1,0,1,7);
INSERT INTO signals VALUES('H2910','2024-05-09','S0004741','H2910-1','De Goede Woning','rent','early',6749,NULL,NULL,NULL,'natural','1974-07-08','Palenstein',0,1,1,0,1,6);
INSERT INTO signals VALUES('H2942','2024-05-07','S0004681','H2942-2','Zilveren Kruis','health','early',10477,15664,3,90,'natural',NULL,'Driemanspolder',1,1,1,0,1,5);
INSERT INTO signals VALUES('H794','2024-05-01','S0004501','H794-1','Portaal','rent','early',9482,94678,NULL,NULL,'natural','1988-03-17','Noordhove',1,0,1,0,1,2);
CREATE TABLE month_households (
  month     TEXT NOT NULL,
  household TEXT NOT NULL,
  PRIMARY KEY (month, household)
) WITHOUT ROWID;
INSERT INTO month_households VALUES('2024-05','H000193');
INSERT INTO month_households VALUES('2024-05','H000547');
INSERT INTO month_households VALUES('2024-05','H000915');
INSERT INTO month_households VALUES('2024-05','H001292');
INSERT INTO month_households VALUES('2024-05','H001438');
INSERT INTO month_households VALUES('2024-05','H001850');
INSERT INTO month_households VALUES('2024-05','H001866');
INSERT INTO month_households VALUES('2024-05','H002277');
INSERT INTO month_households VALUES('2024-05','H002595');
INSERT INTO month_households VALUES('2024-05','H1895');
INSERT INTO month_households VALUES('2024-05','H2239');
INSERT INTO month_households VALUES('2024-05','H2420');
INSERT INTO month_households VALUES('2024-05','H2910');
INSERT INTO month_households VALUES('2024-05','H2942');
INSERT INTO month_households VALUES('2024-05','H794');
INSERT INTO month_households VALUES('2024-06','H000411');
INSERT INTO month_households VALUES('2024-06','H000417');
INSERT INTO month_households VALUES('2024-06','H001260');
INSERT INTO month_households VALUES('2024-06','H001433');
INSERT INTO month_households VALUES('2024-06','H001675');
INSERT INTO month_households VALUES('2024-06','H002125');
INSERT INTO month_households VALUES('2024-06','H002916');
INSERT INTO month_households VALUES('2024-06','H1014');
INSERT INTO month_households VALUES('2024-06','H2373');
CREATE TABLE outcomes (
  household TEXT NOT NULL,
  date      TEXT NOT NULL,
  outcome   TEXT NOT NULL,
  signal_id TEXT NOT NULL,
  import_id INTEGER NOT NULL,
  line      INTEGER NOT NULL,
  PRIMARY KEY (household, date, outcome, signal_id)
) WITHOUT ROWID;
INSERT INTO outcomes VALUES('H001754','2024-05-03','refused','',2,4);
INSERT INTO outcomes VALUES('H001831','2024-05-03','not_reached','S0003320',2,3);
INSERT INTO outcomes VALUES('H2900','2024-05-02','refused','S0004326',2,2);
CREATE TABLE runs (
  id             INTEGER PRIMARY KEY,
  month          TEXT NOT NULL,
  policy_name    TEXT NOT NULL,
  policy_version TEXT NOT NULL,
  source_sha256  TEXT NOT NULL,
  started        TEXT NOT NULL,
  finished       TEXT NOT NULL,
  households     INTEGER NOT NULL CHECK (households >= 0),
  superseded     INTEGER NOT NULL DEFAULT 0 CHECK (superseded IN (0, 1)),
  label_names    TEXT NOT NULL DEFAULT '[]'
);
INSERT INTO runs VALUES(1,'2024-06','Crisis queue and capacity overflow','1','602399849eb4899c46e1f5f170ace2ac61ecba5d3308b9633f9bf7bc6107f122','2026-12-07T06:44:10Z','2026-12-07T06:44:10Z',9,1,'[]');
INSERT INTO runs VALUES(2,'2024-06','Everyone gets a letter','1','0ba3a2d33b3dae1317a41fe7d98f948b4ba8fd64f33c10736d3f14048d84f68d','2026-12-07T06:44:10Z','2026-12-07T06:44:10Z',9,0,'[]');
INSERT INTO runs VALUES(3,'2024-05','Crisis queue and capacity overflow','1','602399849eb4899c46e1f5f170ace2ac61ecba5d3308b9633f9bf7bc6107f122','2026-12-07T06:44:10Z','2026-12-07T06:44:10Z',15,0,'[]');
CREATE TABLE decisions (
  run_id          INTEGER NOT NULL REFERENCES runs (id),
  household       TEXT NOT NULL,
  bucket          TEXT NOT NULL,
  reason          TEXT NOT NULL,
  rule            TEXT NOT NULL,
  overflowed_from TEXT NOT NULL,
  labels          TEXT NOT NULL,
  arrears         INTEGER NOT NULL,
  place           INTEGER NOT NULL,
  PRIMARY KEY (run_id, household)
) WITHOUT ROWID;
INSERT INTO decisions VALUES(1,'H000411','letter','','rules/crisis-queue.vroeg:17','','[]',4349,0);
INSERT INTO decisions VALUES(1,'H000417','phone','','rules/crisis-queue.vroeg:14','','[]',50000,3);
INSERT INTO decisions VALUES(1,'H001260','phone','','rules/crisis-queue.vroeg:14','','[]',197043,1);
INSERT INTO decisions VALUES(1,'H001433','mail','','rules/crisis-queue.vroeg:16','','[]',43182,0);
INSERT INTO decisions VALUES(1,'H001675','mail','','rules/crisis-queue.vroeg:14','','[]',209160,0);
INSERT INTO decisions VALUES(1,'H002125','mail','','rules/crisis-queue.vroeg:16','','[]',69908,0);
INSERT INTO decisions VALUES(1,'H002916','phone','','rules/crisis-queue.vroeg:16','','[]',138391,2);
INSERT INTO decisions VALUES(1,'H1014','letter','','rules/crisis-queue.vroeg:17','','[]',9273,0);
INSERT INTO decisions VALUES(1,'H2373','mail','','rules/crisis-queue.vroeg:16','','[]',30092,0);
INSERT INTO decisions VALUES(2,'H000411','letter','','rules/letter-for-all.vroeg:9','','[]',4349,0);
INSERT INTO decisions VALUES(2,'H000417','letter','','rules/letter-for-all.vroeg:9','','[]',50000,0);
INSERT INTO decisions VALUES(2,'H001260','letter','','rules/letter-for-all.vroeg:9','','[]',197043,0);
INSERT INTO decisions VALUES(2,'H001433','letter','','rules/letter-for-all.vroeg:9','','[]',43182,0);
INSERT INTO decisions VALUES(2,'H001675','letter','','rules/letter-for-all.vroeg:9','','[]',209160,0);
INSERT INTO decisions VALUES(2,'H002125','letter','','rules/letter-for-all.vroeg:9','','[]',69908,0);
INSERT INTO decisions VALUES(2,'H002916','letter','','rules/letter-for-all.vroeg:9','','[]',138391,0);
INSERT INTO decisions VALUES(2,'H1014','letter','','rules/letter-for-all.vroeg:9','','[]',9273,0);
INSERT INTO decisions VALUES(2,'H2373','letter','','rules/letter-for-all.vroeg:9','','[]',30092,0);
INSERT INTO decisions VALUES(3,'H000193','letter','','rules/crisis-queue.vroeg:17','','[]',21711,0);
INSERT INTO decisions VALUES(3,'H000547','letter','','rules/crisis-queue.vroeg:17','','[]',7744,0);
INSERT INTO decisions VALUES(3,'H000915','excluded','not counted','rules/crisis-queue.vroeg:7','','[]',0,0);
INSERT INTO decisions VALUES(3,'H001292','letter','','rules/crisis-queue.vroeg:17','','[]',8425,0);
INSERT INTO decisions VALUES(3,'H001438','phone','','rules/crisis-queue.vroeg:14','','[]',54867,2);
INSERT INTO decisions VALUES(3,'H001850','letter','','rules/crisis-queue.vroeg:17','','[]',10586,0);
INSERT INTO decisions VALUES(3,'H001866','mail','','rules/crisis-queue.vroeg:14','','[]',97368,0);
INSERT INTO decisions VALUES(3,'H002277','letter','','rules/crisis-queue.vroeg:17','','[]',29850,0);
INSERT INTO decisions VALUES(3,'H002595','letter','','rules/crisis-queue.vroeg:17','','[]',20423,0);
INSERT INTO decisions VALUES(3,'H1895','phone','','rules/crisis-queue.vroeg:16','','[]',97986,1);
INSERT INTO decisions VALUES(3,'H2239','mail','','rules/crisis-queue.vroeg:14','','[]',142452,0);
INSERT INTO decisions VALUES(3,'H2420','letter','','rules/crisis-queue.vroeg:17','','[]',3394,0);
INSERT INTO decisions VALUES(3,'H2910','excluded','not counted','rules/crisis-queue.vroeg:7','','[]',0,0);
INSERT INTO decisions VALUES(3,'H2942','letter','','rules/crisis-queue.vroeg:17','','[]',10477,0);
INSERT INTO decisions VALUES(3,'H794','excluded','not counted','rules/crisis-queue.vroeg:7','','[]',0,0);
CREATE UNIQUE INDEX signals_by_id ON signals (signal_id);
CREATE UNIQUE INDEX runs_one_current_per_month ON runs (month) WHERE superseded = 0;
COMMIT;
PRAGMA application_id = 1987145573;
PRAGMA user_version = 1;
