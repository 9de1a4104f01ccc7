/*
 * join_order.h
 *		Queries that read the extension's views on a Citus coordinator keep
 *		the views' join order (src/join_order.c).
 */
#ifndef JOIN_ORDER_H
#define JOIN_ORDER_H

/* Define dormancy.join_order and install the planner hook (from _PG_init). */
extern void DormancyDefineJoinOrder(void);

#endif							/* JOIN_ORDER_H */
